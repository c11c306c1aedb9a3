// HTTP-level defaults: CORS from an allowlist, no caching of tenant data, and a GraphQL error body with a
// code on every refusal (yoga answers some, such as 415 and 404, with an empty body).
import type { Plugin } from 'graphql-yoga';

type CorsOptions = { origin: string; credentials: boolean; maxAge: number; methods: string[] } | false;

/**
 * yoga's `cors` option from an allowlist: a listed origin (or any, with "*") is allowed; others get no CORS
 * headers, so the browser blocks them. Callers authenticate with a bearer header, never cookies, so
 * credentials mode is never allowed — and "*" is never combined with it.
 */
export function corsFor(origins: readonly string[], maxAge: number): (request: { headers: { get(name: string): string | null } }) => CorsOptions {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  return (request) => {
    const origin = request.headers.get('origin');
    if (!origin || (!any && !allowed.has(origin))) return false;
    return { origin: any ? '*' : origin, credentials: false, maxAge, methods: ['GET', 'POST'] };
  };
}

/** A Vary value with `names` added to what it already lists. */
export function withVary(vary: string | null | undefined, ...names: string[]): string {
  const have = (vary ?? '').split(',').map((v) => v.trim()).filter(Boolean);
  for (const n of names) if (!have.some((h) => h.toLowerCase() === n.toLowerCase())) have.push(n);
  return have.join(', ');
}

/** What every response adds: one tenant's data, never kept by a shared cache, and keyed by the token and origin. */
export const NO_STORE = { cacheControl: 'private, no-store', vary: ['Authorization', 'Origin'] } as const;

/** Responses hold one tenant's data: never stored by a shared cache, and keyed by the token and origin. */
function useNoStore(): Plugin {
  return {
    onResponse: ({ response }) => {
      response.headers.set('cache-control', NO_STORE.cacheControl);
      response.headers.set('vary', withVary(response.headers.get('vary'), ...NO_STORE.vary));
    },
  };
}

const REFUSALS: Record<number, { code: string; message: string }> = {
  404: { code: 'NOT_FOUND', message: 'Nothing here: the GraphQL endpoint is /graphql.' },
  405: { code: 'METHOD_NOT_ALLOWED', message: 'Use GET or POST on /graphql.' },
  406: { code: 'NOT_ACCEPTABLE', message: 'Accept application/json or application/graphql-response+json.' },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send the request body as JSON with `content-type: application/json`.' },
};

/** Gives a bodiless refusal a GraphQL error body, so every client sees a message and a code. */
function useRefusalBodies(): Plugin {
  return {
    onResponse: ({ request, response, setResponse, fetchAPI }) => {
      if (response.status < 400 || response.headers.get('content-type')) return;
      let r = REFUSALS[response.status] ?? { code: 'BAD_REQUEST', message: `The request was refused (HTTP ${response.status}).` };
      if (response.status === 406 && request.headers.get('accept')?.includes('text/html'))
        r = { ...r, message: `GraphiQL is off on this gateway ("graphiql": true in the config turns it on). ${r.message}` };
      const headers = new fetchAPI.Headers(response.headers);
      headers.set('content-type', 'application/json; charset=utf-8');
      headers.delete('content-length');
      setResponse(new fetchAPI.Response(JSON.stringify({ errors: [{ message: r.message, extensions: { code: r.code } }] }), { status: response.status, headers }));
    },
  };
}

export function httpPlugins(): Plugin[] {
  return [useRefusalBodies(), useNoStore()];
}
