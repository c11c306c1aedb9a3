// The hand-written graphql-yoga peer: a real GraphQL server (graphql 16; parse, validate, execute, yoga's
// parser and validation caches) with a small SDL schema shaped like the gateway's and one resolver doing
// the floor's upstream calls and mapping. It is what a GraphQL engine costs on top of the floor.
//   BENCH_UPSTREAMS='{"okta":…}' PORT=0 node --import tsx bench/peers/yoga.ts
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createSchema, createYoga } from 'graphql-yoga';
import { upstreamClient, upstreamsFromEnv } from './fetch.js';
import { BENCH_QUERIES, connectionOf, PEER_QUERIES, type Upstreams } from './queries.js';

const typeDefs = /* GraphQL */ `
  enum Category { USAGE_METERING TICKETING USER_DIRECTORY CALENDAR }
  enum UserStatus { ACTIVE INACTIVE DELETED INVITED }
  type Email { email: String! isPrimary: Boolean }
  interface User { id: ID! name: String firstName: String lastName: String emails: [Email!]! status: UserStatus }
  type DirectoryUser implements User { id: ID! name: String firstName: String lastName: String emails: [Email!]! status: UserStatus }
  type TicketingUser implements User { id: ID! name: String firstName: String lastName: String emails: [Email!]! status: UserStatus }
  type UsageMeteringUser implements User { id: ID! name: String firstName: String lastName: String emails: [Email!]! status: UserStatus lastActiveAt: String }
  type UserEdge { node: User! cursor: String! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type UserConnection { pageInfo: PageInfo! edges: [UserEdge!]! }
  type Query { users(category: Category!, integratedAccountId: ID!, first: Int, after: String): UserConnection }
`;

const BY_CATEGORY = new Map(BENCH_QUERIES.map((q) => [q.category, PEER_QUERIES[q.name]!]));

export function createYogaPeer(upstreams: Upstreams): http.Server {
  const client = upstreamClient(upstreams);
  const yoga = createYoga({
    schema: createSchema({
      typeDefs,
      resolvers: {
        // One resolver per query kind: the node type is the category's, as in the gateway.
        User: { __resolveType: (_u: unknown, ctx: { typename: string }) => ctx.typename },
        Query: {
          async users(_root: unknown, args: { category: string; first?: number | null }, ctx: { typename: string }) {
            const q = BY_CATEGORY.get(args.category);
            if (!q) throw new Error(`unknown category ${args.category}`);
            ctx.typename = q.typename;
            return connectionOf(q, await client.fetch(q.calls()), Math.min(Math.max(args.first ?? 50, 1), 100));
          },
        },
      },
    }),
    graphqlEndpoint: '/graphql',
    graphiql: false,
    landingPage: false,
    logging: 'warn',
  });
  const server = http.createServer(yoga);
  server.keepAliveTimeout = 65_000;
  server.on('close', () => void client.close());
  return server;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const server = createYogaPeer(upstreamsFromEnv());
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`));
}
