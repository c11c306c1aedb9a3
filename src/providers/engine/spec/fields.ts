// The unified user's fields by kind, for declarative maps (YAML/JSON providers have no TypeScript to
// shape values): each mapped value is coerced to its field's kind so that an odd upstream value becomes
// null or is dropped — never a GraphQL serialisation error — as the TS mappers' helpers do.
import { isoDate, str } from '../map-helpers.js';
import { USER_STATUSES, USER_TYPES, type UnifiedUser } from '../types.js';

type Kind = 'string' | 'date' | 'boolean' | 'strings' | 'emails' | 'status' | 'userType' | 'ref' | 'refs' | 'phones' | 'urls' | 'object' | 'money';

export const FIELD_KINDS: Record<keyof UnifiedUser, Kind> = {
  remoteId: 'string', name: 'string', firstName: 'string', lastName: 'string', username: 'string', remoteStatus: 'string',
  avatar: 'string', bio: 'string', externalId: 'string', timezone: 'string', title: 'string',
  statusChangedAt: 'date', activatedAt: 'date', lastActiveAt: 'date', lastLoginAt: 'date', createdAt: 'date', updatedAt: 'date',
  isActive: 'boolean', is2faEnabled: 'boolean', isEmailVerified: 'boolean',
  teamIds: 'strings', languages: 'strings',
  emails: 'emails', status: 'status', userType: 'userType',
  organization: 'ref', roles: 'refs', organizations: 'refs', workspaces: 'refs', groups: 'refs', licenses: 'refs',
  phones: 'phones', urls: 'urls', identifiers: 'object', spendLimit: 'money',
};
export const UNIFIED_FIELDS = Object.keys(FIELD_KINDS) as (keyof UnifiedUser)[];

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
/** JSONata returns a one-item sequence as the item itself: a list field takes either. */
const many = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const nullableStr = (v: unknown) => (v === undefined || v === null ? null : str(v));
/** Objects whose `key` is a non-empty string (numbers are turned into strings); other entries are dropped. */
const keyed = (v: unknown, key: string) =>
  many(v).flatMap((x) => {
    const o = typeof x === 'string' || typeof x === 'number' ? { [key]: String(x) } : isObject(x) ? { ...x, [key]: str(x[key]) } : null;
    return o && typeof o[key] === 'string' && o[key] !== '' ? [o] : [];
  });

/** `value` coerced to the kind of unified field `field`. */
export function coerceField(field: keyof UnifiedUser, value: unknown): unknown {
  switch (FIELD_KINDS[field]) {
    case 'string': return nullableStr(value);
    case 'date': return typeof value === 'number' ? (Number.isFinite(value) ? new Date(value).toISOString() : null) : isoDate(value);
    case 'boolean': return typeof value === 'boolean' ? value : null;
    case 'strings': return [...new Set(many(value).map(nullableStr).filter((s): s is string => !!s))];
    case 'emails': return keyed(value, 'email');
    case 'status': return (USER_STATUSES as readonly unknown[]).includes(value) ? value : null;
    case 'userType': return (USER_TYPES as readonly unknown[]).includes(value) ? value : null;
    case 'ref': return keyed(value, 'id')[0] ?? null;
    case 'refs': return keyed(value, 'id');
    case 'phones': return keyed(value, 'number');
    case 'urls': return keyed(value, 'url');
    case 'object': return isObject(value) ? value : null;
    case 'money': return isObject(value) && typeof value.amount === 'number' && typeof value.currency === 'string' ? { amount: value.amount, currency: value.currency } : null;
  }
}
