// JumpCloud sandbox: a simulated JumpCloud v1 API (https://console.jumpcloud.com/api) speaking the documented
// wire format of GET /api/systemusers and GET /api/systemusers/{id} (docs.jumpcloud.com/api/1.0/index.yaml):
// `x-api-key` auth, `limit` (default 10, at most 100) + `skip`, `sort` (space- or comma-separated fields, `-` for
// descending), `{ totalCount, results }`, and `x-org-id` for a multi-tenant administrator's key, which must name
// one of its organizations. Error bodies are `{ message }` (JumpCloud's exact error shape is not documented).
import { people, startSandbox, type ProviderSandbox, type Sandbox, type SandboxRequest } from '../engine/sandbox-kit.js';
import type { JumpCloudUser } from './map.js';

export const JUMPCLOUD_API_KEY = 'jcsandbox-0f3c9a7e1b5d4c2a8e6f0b1d3c5a7e9f';
/** A multi-tenant (MSP) administrator's key: it needs x-org-id naming one of its organizations. */
export const JUMPCLOUD_MSP_KEY = 'jcsandbox-msp-7a1e5c3b9d0f2e4a6c8b0d1f3e5a7c9b';
export const JUMPCLOUD_ORG_ID = '5f1a0b2c3d4e5f6a7b8c9d0e';
export const JUMPCLOUD_OTHER_ORG_ID = '6a2b1c0d9e8f7a6b5c4d3e2f';

const STATES = ['ACTIVATED', 'ACTIVATED', 'ACTIVATED', 'STAGED', 'ACTIVATED', 'SUSPENDED', 'ACTIVATED', 'ACTIVATED'];
const objectId = (prefix: string, i: number) => `${prefix}${i.toString(16).padStart(16, '0')}`;

export function jumpcloudDataset(count = 262, org = JUMPCLOUD_ORG_ID, prefix = '5f1a2b3c'): JumpCloudUser[] {
  return people(count, 0x1c10d, 'acme.jumpcloud-sandbox.test').map((p, i) => {
    const state = STATES[i % STATES.length]!;
    const user: JumpCloudUser = {
      _id: objectId(prefix, i),
      username: p.email.split('@')[0]!,
      email: p.email,
      // JumpCloud keeps unset strings as ''.
      firstname: p.firstName ?? '',
      lastname: p.lastName ?? '',
      displayname: i === 6 ? 'Display Name Only' : i % 4 === 0 ? (p.name ?? '') : '',
      jobTitle: i % 3 === 0 ? 'Engineer' : '',
      department: i % 5 === 0 ? 'IT' : '',
      company: 'Acme',
      employeeIdentifier: i % 2 === 0 ? `E-${5000 + i}` : null,
      organization: org,
      created: p.createdAt,
      activated: state !== 'STAGED',
      suspended: state === 'SUSPENDED',
      state,
      account_locked: i % 17 === 9,
      totp_enabled: i % 3 === 0,
      mfa: { configured: i % 3 === 0, exclusion: i % 11 === 0 },
      mfaEnrollment: { overallStatus: i % 3 === 0 ? 'ENROLLED' : 'NOT_ENROLLED', totpStatus: i % 3 === 0 ? 'ENROLLED' : 'NOT_ENROLLED' },
      phoneNumbers: i % 9 === 0 ? [{ id: `ph${i}`, number: '+1 555 0100', type: 'work' }] : [],
      admin: i % 23 === 0 ? { id: objectId('7c0dad00', i), roleName: 'Administrator', roleNames: ['Administrator'] } : null,
      externally_managed: i % 13 === 0,
      password_expired: false,
    };
    if (p.secondEmail) user.alternateEmail = p.secondEmail;
    // A legacy record without `state`: `activated` decides.
    if (i === 10) delete user.state;
    if (i === 12) Object.assign(user, { unexpectedField: { nested: [1, 2, 3] }, attributes: [{ name: 'costCenter', value: '42' }] });
    return user;
  });
}

const fail = (status: number, message: string) => ({ status, body: { message } });

function sorted(users: JumpCloudUser[], sort: string | null): JumpCloudUser[] {
  const keys = (sort ?? '').split(/[\s,]+/).filter(Boolean);
  if (!keys.length) return users;
  return [...users].sort((a, b) => {
    for (const k of keys) {
      const desc = k.startsWith('-');
      const f = desc ? k.slice(1) : k;
      const x = String(a[f] ?? ''), y = String(b[f] ?? '');
      if (x !== y) return (x < y ? -1 : 1) * (desc ? -1 : 1);
    }
    return 0;
  });
}

export function startJumpCloudSandbox(opts: { port?: number; users?: JumpCloudUser[] } = {}): Promise<Sandbox> {
  const orgs = new Map<string, JumpCloudUser[]>([
    [JUMPCLOUD_ORG_ID, opts.users ?? jumpcloudDataset()],
    [JUMPCLOUD_OTHER_ORG_ID, jumpcloudDataset(5, JUMPCLOUD_OTHER_ORG_ID, '6b00c0de')],
  ]);
  /** The organization the request reaches, or an error reply. */
  const orgOf = (req: SandboxRequest) => {
    const key = req.headers['x-api-key'];
    const orgId = req.headers['x-org-id'];
    if (typeof orgId === 'string' && !orgs.has(orgId)) return fail(401, 'Unauthorized: unknown organization');
    if (key === JUMPCLOUD_MSP_KEY) {
      if (typeof orgId !== 'string') return fail(400, 'x-org-id header is required for a multi-tenant administrator');
      return orgs.get(orgId)!;
    }
    if (typeof orgId === 'string' && orgId !== JUMPCLOUD_ORG_ID) return fail(401, 'Unauthorized: the API key has no access to that organization');
    return orgs.get(JUMPCLOUD_ORG_ID)!;
  };
  return startSandbox(
    {
      name: 'jumpcloud',
      authenticate: (req) => req.headers['x-api-key'] === JUMPCLOUD_API_KEY || req.headers['x-api-key'] === JUMPCLOUD_MSP_KEY,
      unauthorized: fail(401, 'Unauthorized'),
      notFound: fail(404, 'Not Found'),
      routes: [
        {
          method: 'GET',
          path: /^\/api\/systemusers$/,
          handle: (req) => {
            const users = orgOf(req);
            if (!Array.isArray(users)) return users;
            const limit = Math.min(Number(req.query.get('limit') ?? 10), 100);
            const skip = Number(req.query.get('skip') ?? 0);
            if (!Number.isInteger(limit) || limit < 0 || !Number.isInteger(skip) || skip < 0) return fail(400, 'limit and skip must be non-negative integers');
            const all = sorted(users, req.query.get('sort'));
            return { body: { totalCount: all.length, results: all.slice(skip, skip + (limit || 10)) } };
          },
        },
        {
          method: 'GET',
          path: /^\/api\/systemusers\/([^/]+)$/,
          handle: (req, [id]) => {
            const users = orgOf(req);
            if (!Array.isArray(users)) return users;
            const u = users.find((x) => x._id === id);
            return u ? { body: u } : fail(404, 'Not Found');
          },
        },
      ],
    },
    opts.port,
  );
}

export const jumpcloudSandbox: ProviderSandbox = {
  slug: 'jumpcloud',
  start: (port) => startJumpCloudSandbox({ port }),
  demoAccount: (url) => ({ context: { baseUrl: url }, credentials: { apiKey: JUMPCLOUD_API_KEY } }),
  expectedUsers: () => jumpcloudDataset(),
};
