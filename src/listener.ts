// The gateway's own HTTP server: Node's defaults let a client hold a socket with half-sent headers for a
// minute and open sockets without limit, so the timeouts and a connection cap come from the config.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { GatewayConfig } from './config.js';

export type ServerLimits = GatewayConfig['server'];

export function createListener(limits: ServerLimits, handler: RequestListener): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node checks the two timeouts on this interval (default 30 s): a tighter one closes slow sockets on time.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    handler,
  );
  server.maxConnections = limits.maxConnections;
  return server;
}
