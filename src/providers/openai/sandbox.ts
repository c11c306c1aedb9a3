// OpenAI sandbox: a simulated Admin API under /v1 speaking the documented wire format of
// GET /v1/organization/users (+ /{user_id}) — Bearer admin key,
// `limit` (1–100, default 20; out-of-range values are clamped here, the live behaviour is unconfirmed) + `after`
// (object id), `{ object:"list", data, first_id, last_id, has_more }`, the `emails` array filter (accepted both
// as `emails[]` and as repeated `emails`), and OpenAI's error envelope.
import { people, startSandbox, intParam, type ProviderSandbox, type Sandbox, type SandboxRequest } from '../engine/sandbox-kit.js';
import type { OpenAIUser } from './adapter.js';

export const OPENAI_SANDBOX_API_KEY = 'sk-admin-sandbox-0pen4i-7c1e5b9d2a';
const unix = (iso: string) => Math.floor(Date.parse(iso) / 1000);

export function openaiDataset(count = 260): OpenAIUser[] {
  return people(count, 0x0a1, 'acme-ai.test').map((p, i) => {
    const id = `user-${(0x5f3a9c + i * 7919).toString(36).padStart(6, '0')}${'QwErTyUiOp'[i % 10]}sbx`;
    const service = i % 25 === 24;
    const banned = i % 29 === 17;
    const disabled = i % 23 === 11; // i = 236 is both banned and disabled
    const name = service ? `svc-pipeline-${i}` : p.name;
    const email = service ? null : p.email;
    const u: OpenAIUser = {
      object: 'organization.user',
      id,
      name,
      email,
      role: i === 0 || i % 10 === 3 ? 'owner' : 'reader',
      added_at: unix(p.createdAt),
      is_default: i === 0,
      ...(i % 4 === 1 ? {} : { created: unix(p.createdAt) - 86_400 * (i % 30) }),
      ...(i % 11 === 7
        ? {}
        : {
            user: {
              object: 'user',
              id,
              email: p.secondEmail ?? email, // the login e-mail differs from the org e-mail for a few people
              name,
              picture: i % 3 === 0 ? `https://avatars.sandbox.test/${id}.png` : null,
              enabled: !disabled,
              banned,
              banned_at: banned ? unix(p.updatedAt) : null,
            },
          }),
      is_service_account: service,
      is_scale_tier_authorized_purchaser: i % 9 === 0 ? true : null,
      is_scim_managed: i % 2 === 0,
      api_key_last_used_at: p.lastLoginAt ? unix(p.lastLoginAt) : null,
      technical_level: i % 5 === 2 ? 'advanced' : null,
      developer_persona: null,
    };
    if (i === 6) delete u.name; // name missing altogether: user.name still carries it
    if (i === 12) u.projects = { object: 'list', data: [{ id: 'proj_sbx1', name: 'Default project', role: 'owner' }] };
    if (i === 8) Object.assign(u, { mfa_enrolled: true, unexpected_field: { nested: [1, 2, 3] } });
    return u;
  });
}

export const openaiError = (status: number, message: string, type: string, code: string | null = null, param: string | null = null) => ({
  status,
  body: { error: { message, type, param, code } },
});

const arrayParam = (q: URLSearchParams, name: string) => [...q.getAll(`${name}[]`), ...q.getAll(name)];

export function startOpenAISandbox(opts: { apiKey?: string; users?: OpenAIUser[]; port?: number } = {}): Promise<Sandbox> {
  const key = opts.apiKey ?? OPENAI_SANDBOX_API_KEY;
  const users = opts.users ?? openaiDataset();
  const list = (req: SandboxRequest) => {
    const limit = intParam(req.query, 'limit', 20, 100);
    const emails = arrayParam(req.query, 'emails').map((e) => e.toLowerCase());
    const pool = emails.length ? users.filter((u) => typeof u.email === 'string' && emails.includes(u.email.toLowerCase())) : users;
    const after = req.query.get('after');
    let start = 0;
    if (after) {
      const at = pool.findIndex((u) => u.id === after);
      if (at < 0) return openaiError(400, `Invalid 'after': no user ${after} in this list.`, 'invalid_request_error', null, 'after');
      start = at + 1;
    }
    const data = pool.slice(start, start + limit);
    return { body: { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: start + limit < pool.length } };
  };
  return startSandbox(
    {
      name: 'openai',
      authenticate: (req) => req.headers.authorization === `Bearer ${key}`,
      unauthorized: openaiError(401, 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_request_error', 'invalid_api_key'),
      notFound: openaiError(404, 'Invalid URL (GET /v1/unknown).', 'invalid_request_error'),
      commonHeaders: () => ({ 'x-request-id': 'req_sandbox' }),
      routes: [
        { method: 'GET', path: /^\/v1\/organization\/users$/, handle: list },
        {
          method: 'GET',
          path: /^\/v1\/organization\/users\/([^/]+)$/,
          handle: (_req, [id]) => {
            const u = users.find((x) => x.id === id);
            return u ? { body: u } : openaiError(404, `No such user: ${id}`, 'invalid_request_error', null, 'user_id');
          },
        },
      ],
    },
    opts.port,
  );
}

export const openaiSandbox: ProviderSandbox = {
  slug: 'openai',
  start: (port) => startOpenAISandbox({ port }),
  demoAccount: (url) => ({ context: { baseUrl: url }, credentials: { apiKey: OPENAI_SANDBOX_API_KEY } }),
  expectedUsers: () => openaiDataset(),
};
