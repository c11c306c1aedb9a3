// Slack member → unified directory user. Pure, never throws on odd data (the raw record stays in remoteData).
// Field meanings: https://docs.slack.dev/reference/objects/user-object
// - Slack documents that unsupplied profile data "may not be present at all, may be null or may contain an
//   empty string", so '' counts as absent here (unlike providers where '' is a value).
// - `deleted: true` is Slack's deactivated user → DELETED, as Okta's deactivated (DEPROVISIONED) user is:
//   deactivation removes the member from the workspace and its billing, like a deprovisioning, while INACTIVE
//   is kept for accounts merely blocked from signing in (Okta SUSPENDED, Entra accountEnabled false).
//   `is_invited_user` is "only present (and always true)" until the invitee signs in.
// - Slackbot (USLACKBOT) is special: its `is_bot` is false, so it is recognised by id.
// - `has_2fa` is "only visible if the user executing the call is an admin": absent means unknown (null).
// - `is_app_user` means a person who authorised the calling app, not a machine.
import { compact, fromUnixSeconds, idOf } from '../engine/map-helpers.js';
import type { Ref, Role, UnifiedUser, UserStatus, UserType } from '../engine/types.js';

export interface SlackProfile {
  real_name?: string | null;
  display_name?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  email?: string | null;
  title?: string | null;
  phone?: string | null;
  team?: string;
  bot_id?: string;
  [field: string]: unknown;
}

export interface SlackEnterpriseUser {
  id?: string;
  enterprise_id?: string;
  enterprise_name?: string;
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  teams?: string[];
}

export interface SlackUser {
  id: string;
  team_id?: string;
  name?: string;
  deleted?: boolean;
  real_name?: string | null;
  tz?: string | null;
  tz_label?: string;
  tz_offset?: number;
  profile?: SlackProfile;
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  is_bot?: boolean;
  is_app_user?: boolean;
  is_invited_user?: boolean;
  is_email_confirmed?: boolean;
  /** Documented as a String holding a Unix timestamp; the examples send a number. Both are read. */
  updated?: number | string;
  has_2fa?: boolean;
  two_factor_type?: 'app' | 'sms';
  locale?: string;
  enterprise_user?: SlackEnterpriseUser;
  [extra: string]: unknown;
}

export const SLACKBOT_ID = 'USLACKBOT';

/** Role ids are ours; names follow Slack's role names. Cumulative, as Slack's flags are (an owner is also an admin). */
export const SLACK_ROLES = {
  primary_owner: 'Workspace Primary Owner',
  owner: 'Workspace Owner',
  admin: 'Workspace Admin',
  member: 'Full member',
  multi_channel_guest: 'Multi-Channel Guest',
  single_channel_guest: 'Single-Channel Guest',
  bot: 'Bot',
  org_owner: 'Org Owner',
  org_admin: 'Org Admin',
} as const;
export type SlackRoleId = keyof typeof SLACK_ROLES;

/** A non-empty string, else null: Slack sends '' for "not supplied". */
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const flag = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
const ROLE_FLAGS = ['is_admin', 'is_owner', 'is_primary_owner', 'is_restricted', 'is_ultra_restricted'] as const;

export const isMachine = (u: SlackUser) => u.is_bot === true || u.id === SLACKBOT_ID;
/** Deactivated users often come without the role flags: then their role is unknown, not "full member". */
const hasRoleFlags = (u: SlackUser) => ROLE_FLAGS.some((f) => typeof u[f] === 'boolean');

export function slackStatus(u: SlackUser): UserStatus {
  if (u.deleted === true) return 'DELETED';
  if (u.is_invited_user === true) return 'INVITED';
  return 'ACTIVE';
}

export function slackRoleIds(u: SlackUser): SlackRoleId[] {
  const ids: SlackRoleId[] = [];
  if (isMachine(u)) ids.push('bot');
  else if (hasRoleFlags(u)) {
    if (u.is_primary_owner) ids.push('primary_owner');
    if (u.is_owner) ids.push('owner');
    if (u.is_admin) ids.push('admin');
    if (u.is_ultra_restricted) ids.push('single_channel_guest');
    else if (u.is_restricted) ids.push('multi_channel_guest');
    else ids.push('member');
  }
  if (u.enterprise_user?.is_owner) ids.push('org_owner');
  if (u.enterprise_user?.is_admin) ids.push('org_admin');
  return ids;
}

export function slackUserType(u: SlackUser): UserType | null {
  if (isMachine(u)) return 'MACHINE';
  if (!hasRoleFlags(u)) return null;
  if (u.is_admin || u.is_owner || u.is_primary_owner) return 'ADMIN';
  if (u.is_restricted || u.is_ultra_restricted) return 'LIMITED';
  return 'USER';
}

function updatedAt(v: unknown): string | null {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && n > 0 ? fromUnixSeconds(n) : null;
}

const AVATARS = ['image_512', 'image_1024', 'image_original', 'image_192', 'image_72', 'image_48', 'image_32', 'image_24'];

export function mapSlackUser(u: SlackUser): UnifiedUser {
  const p: SlackProfile = u.profile ?? {};
  const email = text(p.email);
  const phone = text(p.phone);
  const status = slackStatus(u);
  const ent = u.enterprise_user;
  const org: Ref | null = text(ent?.enterprise_id) ? { id: ent!.enterprise_id!, name: text(ent!.enterprise_name) } : null;
  // Workspaces (Slack's "teams"): the member's team, its profile's team, and for Enterprise members every
  // workspace listed in enterprise_user.teams; an org-level team_id (the enterprise id) is the organization.
  const workspaces = compact([text(u.team_id), text(p.team), ...(Array.isArray(ent?.teams) ? ent!.teams!.map(text) : [])])
    .filter((id) => id !== org?.id)
    .map((id) => ({ id }));
  const roles: Role[] = slackRoleIds(u).map((id) => ({ id, name: SLACK_ROLES[id], ...(id.startsWith('org_') && org ? { organization: org.id } : {}) }));
  return {
    remoteId: idOf(u.id),
    name: text(p.real_name) ?? text(u.real_name) ?? text(p.display_name),
    firstName: text(p.first_name),
    lastName: text(p.last_name),
    username: text(u.name),
    emails: email ? [{ email, isPrimary: true, type: 'work' }] : [],
    isEmailVerified: email ? flag(u.is_email_confirmed) : null,
    status,
    remoteStatus: u.deleted === true ? 'deleted' : u.is_invited_user === true ? 'invited' : 'active',
    roles,
    userType: slackUserType(u),
    is2faEnabled: flag(u.has_2fa),
    organizations: org ? [org] : [],
    workspaces,
    title: text(p.title),
    phones: phone ? [{ number: phone, type: null }] : [],
    avatar: AVATARS.map((k) => text(p[k])).find((v) => v !== null) ?? null,
    timezone: text(u.tz),
    languages: compact([text(u.locale)]),
    updatedAt: updatedAt(u.updated),
  };
}
