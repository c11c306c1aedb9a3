// Request limits: every users field can fan out into upstream calls, so documents and bodies are bounded.
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { GatewayError } from '../providers/engine/errors.js';

/** Armor's rejections carry no code of their own: give them ours. */
const tooComplex = (_ctx: unknown, error: GraphQLError) => {
  Object.assign(error.extensions as Record<string, unknown>, { code: 'QUERY_TOO_COMPLEX' });
};

/** The largest request body, in bytes: checked on Content-Length up front and, by yoga, on the bytes actually read. */
export const MAX_BODY_BYTES = 256 * 1024;

/** Refuses request bodies over `limit` bytes before they are read (HTTP 413). */
function useBodyLimit(limit: number): Plugin {
  return {
    onRequest: ({ request, endResponse, fetchAPI }) => {
      const length = Number(request.headers.get('content-length') ?? 0);
      if (length > limit)
        endResponse(new fetchAPI.Response(JSON.stringify({ errors: [{ message: `Request body over ${limit} bytes.`, extensions: { code: 'QUERY_TOO_COMPLEX' } }] }), { status: 413, headers: { 'content-type': 'application/json' } }));
    },
  };
}

/** yoga cuts a body off at maxRequestBodySize bytes read (REQUEST_ENTITY_TOO_LARGE): the same code as a too-long Content-Length. */
function useBodyLimitCode(limit: number): Plugin {
  return {
    onRequestParse: ({ requestParser, setRequestParser }) => {
      if (!requestParser) return;
      setRequestParser(async (request) => {
        try {
          return await requestParser(request);
        } catch (e: any) {
          if (e?.extensions?.code === 'REQUEST_ENTITY_TOO_LARGE') throw new GatewayError('QUERY_TOO_COMPLEX', `Request body over ${limit} bytes.`, {}, { status: 413 });
          throw e;
        }
      });
    },
  };
}

/**
 * Armor bounds aliases, depth, tokens and directives. Its static cost ignores `first` (one full directory
 * page already scores ~42k), so aliases bound fan-out instead. Field suggestions stay on: the schema is
 * public and GraphiQL users need them.
 */
export function limitPlugins(): Plugin[] {
  return [
    useBodyLimit(MAX_BODY_BYTES),
    useBodyLimitCode(MAX_BODY_BYTES),
    EnvelopArmorPlugin({
      blockFieldSuggestion: { enabled: false },
      // No allow-list: armor's default one matches alias *names*, so `__typename: users(…)` went uncounted.
      maxAliases: { n: 20, allowList: [], onReject: [tooComplex] },
      maxDepth: { n: 12, onReject: [tooComplex] },
      costLimit: { enabled: false },
      maxTokens: { n: 5_000, onReject: [tooComplex] },
      maxDirectives: { n: 50, onReject: [tooComplex] },
    }) as Plugin,
  ];
}
