// Google Workspace sandbox: a simulated Admin SDK Directory API and Google's OAuth token endpoint. The token
// endpoint takes the JWT-bearer grant and verifies the assertion's RS256 signature with the sandbox service
// account's public key (a throwaway RSA key pair made once per process: no key is committed), its issuer,
// audience, scope, lifetime and `sub` (an admin of the directory). users.list speaks the documented wire
// format: `customer` (or my_customer) or `domain` required, maxResults 1–500, an opaque pageToken bound to the
// query, `query` clauses (email, isSuspended, isArchived, isAdmin, isDelegatedAdmin, orgUnitPath, names),
// orderBy/sortOrder, showDeleted=true listing deleted users only, and Google's error envelope.
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { jwtVerify } from 'jose';
import { JWT_BEARER_GRANT } from '../engine/auth.js';
import { oauthSim } from '../engine/oauth-sandbox.js';
import { people, startSandbox, type ProviderSandbox, type Sandbox, type SandboxReply, type SandboxRequest } from '../engine/sandbox-kit.js';
import { GOOGLE_DIRECTORY_SCOPE } from './adapter.js';
import type { GoogleUser } from './map.js';

export const GOOGLE_SANDBOX_DOMAIN = 'acme-sandbox.test';
export const GOOGLE_SANDBOX_CUSTOMER = 'C03sbx8k2';
export const GOOGLE_SANDBOX_ACCESS_TOKEN = 'ya29.sandbox-static-access-token-4c1d';
export const GOOGLE_SANDBOX_CLIENT_EMAIL = 'rollcall-directory@rollcall-sandbox.iam.gserviceaccount.test';
const KEY_ID = 'sbx5f0c2a9e7d1b4c3a8f6e0d2c1b0a9f8e7d6c5b4';
const NEVER = '1970-01-01T00:00:00.000Z';
const OUS = ['/', '/Engineering', '/Sales', "/Sales/O'Brien Team", '/Engineering/Platform'];

let keys: { privatePem: string; publicKey: KeyObject } | undefined;
/** The sandbox service account's key pair: made on first use, the same for every sandbox of this process. */
function testKeys() {
  if (!keys) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    keys = { privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: pair.publicKey };
  }
  return keys;
}

/** The service account's JSON key, as the Google Cloud console issues it, for a sandbox at `url`. */
export function googleServiceAccount(url: string, patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'service_account',
    project_id: 'rollcall-sandbox',
    private_key_id: KEY_ID,
    private_key: testKeys().privatePem,
    client_email: GOOGLE_SANDBOX_CLIENT_EMAIL,
    client_id: '109876543210987654321',
    auth_uri: `${url}/o/oauth2/auth`,
    token_uri: `${url}/token`,
    ...patch,
  };
}

export function googleDataset(count = 260): GoogleUser[] {
  return people(count, 0x600913, GOOGLE_SANDBOX_DOMAIN).map((p, i) => {
    const u: GoogleUser = {
      kind: 'admin#directory#user',
      id: (104938475610293847561n + BigInt(i) * 1000003n).toString(),
      etag: `"sbx-etag-${i}"`,
      primaryEmail: p.email,
      name: i === 0 ? {} : { givenName: p.firstName ?? '', ...(p.lastName ? { familyName: p.lastName } : {}), fullName: p.name ?? '' },
      isAdmin: i % 50 === 1,
      isDelegatedAdmin: i % 17 === 3,
      lastLoginTime: p.lastLoginAt ?? NEVER,
      creationTime: p.createdAt,
      agreedToTerms: true,
      suspended: i % 13 === 6,
      ...(i % 13 === 6 ? { suspensionReason: 'ADMIN' } : {}),
      archived: i % 29 === 9,
      changePasswordAtNextLogin: false,
      ipWhitelisted: false,
      emails: [{ address: p.email, primary: true }, ...(p.secondEmail ? [{ address: p.secondEmail }] : [])],
      ...(p.secondEmail ? { aliases: [p.secondEmail] } : {}),
      ...(i % 6 === 0 ? { externalIds: [{ value: String(5000 + i), type: 'organization' }] } : {}),
      ...(i % 2 === 0 ? { organizations: [{ name: 'Acme', title: i % 4 === 0 ? 'Engineer' : 'Account Executive', primary: true }] } : {}),
      ...(i % 9 === 0 ? { phones: [{ value: '+1 555 0100', type: 'work' }, { value: '+1 555 0111', type: 'mobile' }] } : {}),
      languages: [{ languageCode: i % 6 === 0 ? 'fr' : 'en', preference: 'preferred' }],
      customerId: GOOGLE_SANDBOX_CUSTOMER,
      orgUnitPath: OUS[i % OUS.length]!,
      isMailboxSetup: true,
      isEnrolledIn2Sv: i % 3 !== 0,
      isEnforcedIn2Sv: i % 6 === 1,
      includeInGlobalAddressList: true,
      ...(i % 4 === 0 ? { thumbnailPhotoUrl: `https://lh3.googleusercontent.test/a/sbx-${i}=s96-c` } : {}),
    };
    if (i % 23 === 11) u.deletionTime = new Date(Date.parse(p.updatedAt) + 86_400_000).toISOString();
    if (i === 8) u.unexpectedField = { nested: [1, 2, 3] };
    return u;
  });
}

/** The admin the demo account impersonates. */
export const googleSubject = () => googleDataset()[1]!.primaryEmail!;

const gError = (code: number, message: string, reason: string, status: string): SandboxReply => ({
  status: code,
  body: { error: { code, message, errors: [{ message, domain: 'global', reason }], status } },
});
const badRequest = (message: string) => gError(400, message, 'invalid', 'INVALID_ARGUMENT');

// --- `query`: clauses separated by spaces (implicit AND), `field=value` or `field:value`, values bare or single-quoted
type Clause = { field: string; op: '=' | ':'; value: string };
export function parseQuery(q: string): Clause[] | null {
  const out: Clause[] = [];
  const re = /\s*([A-Za-z]+)([=:])(?:'((?:[^'\\]|\\.)*)'|([^\s']+))/y;
  let rest = q.trim();
  while (rest) {
    re.lastIndex = 0;
    const m = re.exec(rest);
    if (!m) return null;
    out.push({ field: m[1]!, op: m[2] as '=' | ':', value: m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[4]! });
    rest = rest.slice(m[0].length).trim();
  }
  return out;
}
const addresses = (u: GoogleUser) => [u.primaryEmail, ...(u.emails ?? []).map((e) => e.address), ...(u.aliases ?? [])].filter((a): a is string => !!a).map((a) => a.toLowerCase());
const text = (field: string, u: GoogleUser) => (field === 'givenName' ? u.name?.givenName : field === 'familyName' ? u.name?.familyName : `${u.name?.givenName ?? ''} ${u.name?.familyName ?? ''}`) ?? '';
function matches(c: Clause, u: GoogleUser): boolean | null {
  const v = c.value.toLowerCase();
  const bool = (b: unknown) => (v === 'true' || v === 'false' ? String(b === true) === v : null);
  switch (c.field) {
    case 'email': return c.op === '=' ? addresses(u).includes(v) : addresses(u).some((a) => a.includes(v.replace(/\*$/, '')));
    case 'isSuspended': return bool(u.suspended);
    case 'isArchived': return bool(u.archived);
    case 'isAdmin': return bool(u.isAdmin);
    case 'isDelegatedAdmin': return bool(u.isDelegatedAdmin);
    case 'orgUnitPath': return u.orgUnitPath === c.value;
    case 'givenName': case 'familyName': case 'name': {
      const t = text(c.field, u).toLowerCase();
      return c.op === '=' ? t === v : t.split(/\s+/).some((w) => w.startsWith(v.replace(/\*$/, '')));
    }
    default: return null;
  }
}

/** The OAuth client the sandbox's web-server flow knows (sandbox values, no real client). */
export const GOOGLE_OAUTH_CLIENT = { clientId: 'sbx-rollcall.apps.googleusercontent.test', clientSecret: 'GOCSPX-sandbox-secret-2Qm7' };

export interface GoogleSandboxOptions { users?: GoogleUser[]; port?: number }

export function startGoogleSandbox(opts: GoogleSandboxOptions = {}): Promise<Sandbox> {
  const users = opts.users ?? googleDataset();
  const admins = new Set(users.filter((u) => u.isAdmin && !u.deletionTime).map((u) => u.primaryEmail!.toLowerCase()));
  const known = new Set(users.filter((u) => !u.deletionTime).map((u) => u.primaryEmail!.toLowerCase()));
  /** Issued access token → whether it acts as an admin (a `sub` with admin rights). */
  const issued = new Map<string, { admin: boolean }>([[GOOGLE_SANDBOX_ACCESS_TOKEN, { admin: true }]]);

  async function token(req: SandboxRequest): Promise<SandboxReply> {
    const invalidGrant = (d: string): SandboxReply => ({ status: 400, body: { error: 'invalid_grant', error_description: d } });
    if (req.body?.grant_type !== JWT_BEARER_GRANT) return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'Invalid grant_type: ' + String(req.body?.grant_type ?? '') } };
    let claims: Record<string, unknown>;
    let header: Record<string, unknown>;
    try {
      const v = await jwtVerify(String(req.body.assertion ?? ''), testKeys().publicKey, { algorithms: ['RS256'] });
      claims = v.payload as Record<string, unknown>;
      header = v.protectedHeader as Record<string, unknown>;
    } catch {
      return invalidGrant('Invalid JWT Signature.');
    }
    if (claims.iss !== GOOGLE_SANDBOX_CLIENT_EMAIL) return { status: 401, body: { error: 'invalid_client', error_description: 'The OAuth client was not found.' } };
    if (header.kid !== undefined && header.kid !== KEY_ID) return invalidGrant('Invalid JWT Signature.');
    if (claims.aud !== `${req.origin}/token`) return invalidGrant('Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
    if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number' || claims.exp - claims.iat > 3600) return invalidGrant('Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
    const scopes = String(claims.scope ?? '').split(' ');
    if (!scopes.includes(GOOGLE_DIRECTORY_SCOPE) && !scopes.includes('https://www.googleapis.com/auth/admin.directory.user')) return { status: 400, body: { error: 'invalid_scope', error_description: 'Invalid OAuth scope or ID token audience provided.' } };
    const sub = typeof claims.sub === 'string' ? claims.sub.toLowerCase() : undefined;
    if (sub !== undefined && !known.has(sub)) return invalidGrant('Invalid email or User ID');
    const t = `ya29.sbx-${createHash('sha256').update(`${issued.size}:${sub}`).digest('base64url').slice(0, 24)}`;
    issued.set(t, { admin: sub !== undefined && admins.has(sub) });
    return { body: { access_token: t, expires_in: 3599, token_type: 'Bearer' } };
  }

  const bearer = (req: SandboxRequest) => /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  // The web-server flow (/o/oauth2/v2/auth, and /token for authorization_code and refresh_token; the JWT grant stays
  // with the route below). Its tokens act as the consenting user, taken to be an admin.
  const oauth = oauthSim({ ...GOOGLE_OAUTH_CLIENT, authorizePath: /^\/o\/oauth2\/v2\/auth$/, tokenPath: /^\/token$/, prefix: 'ya29.sbx-oauth' });
  const notAdmin = (req: SandboxRequest) => !oauth.accepts(bearer(req)) && !issued.get(bearer(req) ?? '')?.admin;
  const forbidden = () => gError(403, 'Not Authorized to access this resource/api', 'forbidden', 'PERMISSION_DENIED');

  function list(req: SandboxRequest): SandboxReply {
    if (notAdmin(req)) return forbidden();
    const q = req.query;
    const customer = q.get('customer');
    const domain = q.get('domain');
    if (!customer && !domain) return badRequest('Bad Request');
    if (customer && customer !== 'my_customer' && customer !== GOOGLE_SANDBOX_CUSTOMER) return badRequest('Bad Request');
    if (domain && domain !== GOOGLE_SANDBOX_DOMAIN) return gError(403, 'Not Authorized to access this resource/api', 'forbidden', 'PERMISSION_DENIED');
    const max = q.get('maxResults') ?? '100';
    if (!/^\d+$/.test(max) || Number(max) < 1 || Number(max) > 500) return badRequest(`Invalid value '${max}'. Values must be within the range: [1, 500]`);
    const orderBy = q.get('orderBy');
    if (orderBy && !['email', 'givenName', 'familyName'].includes(orderBy)) return badRequest(`Invalid value for: ${orderBy} is not a valid value`);
    const sortOrder = (q.get('sortOrder') ?? 'ASCENDING').toUpperCase();
    if (!['ASCENDING', 'DESCENDING'].includes(sortOrder)) return badRequest(`Invalid value for: ${sortOrder} is not a valid value`);
    const clauses = parseQuery(q.get('query') ?? '');
    if (!clauses) return badRequest('Invalid Input');
    const deleted = q.get('showDeleted') === 'true';
    let pool = users.filter((u) => Boolean(u.deletionTime) === deleted);
    for (const c of clauses) {
      if (matches(c, users[0]!) === null) return badRequest('Invalid Input');
      pool = pool.filter((u) => matches(c, u));
    }
    if (orderBy) {
      const key = (u: GoogleUser) => (orderBy === 'email' ? u.primaryEmail ?? '' : (orderBy === 'givenName' ? u.name?.givenName : u.name?.familyName) ?? '').toLowerCase();
      pool = [...pool].sort((a, b) => key(a).localeCompare(key(b)) || a.id.localeCompare(b.id));
      if (sortOrder === 'DESCENDING') pool.reverse();
    }
    const fingerprint = createHash('sha256').update(JSON.stringify([customer, domain, q.get('query'), orderBy, sortOrder, deleted])).digest('base64url').slice(0, 10);
    let start = 0;
    const token = q.get('pageToken');
    if (token) {
      const [fp, at] = Buffer.from(token, 'base64url').toString().split(':');
      if (fp !== fingerprint || !/^\d+$/.test(at ?? '')) return badRequest('Invalid page token');
      start = Number(at);
    }
    const n = Number(max);
    const page = pool.slice(start, start + n);
    const more = start + n < pool.length;
    return {
      body: {
        kind: 'admin#directory#users',
        etag: `"sbx-${fingerprint}"`,
        users: page,
        ...(more ? { nextPageToken: Buffer.from(`${fingerprint}:${start + n}`).toString('base64url') } : {}),
      },
    };
  }

  function one(req: SandboxRequest, [key]: string[]): SandboxReply {
    if (notAdmin(req)) return forbidden();
    const k = key!.toLowerCase();
    const u = users.find((x) => !x.deletionTime && (x.id === key || addresses(x).includes(k)));
    return u ? { body: u } : gError(404, 'Resource Not Found: userKey', 'notFound', 'NOT_FOUND');
  }

  return startSandbox(
    {
      name: 'google-workspace',
      oauth,
      routes: [
        { method: 'POST', path: /^\/token$/, handle: token },
        { method: 'GET', path: /^\/admin\/directory\/v1\/users$/, handle: list },
        { method: 'GET', path: /^\/admin\/directory\/v1\/users\/([^/]+)$/, handle: one },
      ],
      authenticate: (req) => req.path === '/token' || issued.has(bearer(req) ?? ''),
      unauthorized: {
        status: 401,
        body: {
          error: {
            code: 401,
            message: 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
            errors: [{ message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' }],
            status: 'UNAUTHENTICATED',
          },
        },
      },
      notFound: gError(404, 'Not Found', 'notFound', 'NOT_FOUND'),
    },
    opts.port,
  );
}

export const googleWorkspaceSandbox: ProviderSandbox = {
  slug: 'google-workspace',
  start: (port) => startGoogleSandbox({ port }),
  demoAccount: (url) => ({
    context: { baseUrl: url, tokenUrl: `${url}/token`, subject: googleSubject() },
    credentials: { serviceAccount: googleServiceAccount(url) },
  }),
  expectedUsers: () => googleDataset().filter((u) => !u.deletionTime),
  demoOAuthApp: (url) => ({ ...GOOGLE_OAUTH_CLIENT, authorizeUrl: `${url}/o/oauth2/v2/auth`, tokenUrl: `${url}/token`, context: { baseUrl: url } }),
};
