// Incremental delivery: yoga's @defer/@stream (multipart/mixed or text/event-stream, as the client accepts),
// and each payload the response takes tells the request's streams they may read on (resolvers/stream.ts).
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../context.js';

function usePacing(): Plugin<GatewayContext> {
  return {
    onExecute: ({ args }) => ({
      onExecuteDone: () => ({
        onNext: () => (args.contextValue as GatewayContext).flow?.pulled(),
      }),
    }),
  };
}

export function streamPlugins(): Plugin[] {
  return [useDeferStream() as Plugin, usePacing() as Plugin];
}
