// The Pothos builder: non-null by default, Relay plugin for Node/global IDs, graphql-scalars types.
import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import { GraphQLScalarType } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { GatewayContext } from '../context.js';
import { GatewayError } from '../providers/engine/errors.js';

export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  plugins: [RelayPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    encodeGlobalID: (typename, id) => Buffer.from(`${typename}:${id}`).toString('base64url'),
    decodeGlobalID: (globalID) => {
      const text = Buffer.from(globalID, 'base64url').toString('utf8');
      const i = text.indexOf(':');
      if (i < 1 || Buffer.from(text).toString('base64url') !== globalID.replace(/=+$/, ''))
        throw new GatewayError('BAD_USER_INPUT', `"${globalID.slice(0, 80)}" is not a user ID issued by this gateway. Use the id field of a user.`);
      return { typename: text.slice(0, i), id: text.slice(i + 1) };
    },
    nodeQueryOptions: {
      resolve: (_root, { id }, ctx) => ctx.loadNode(id as { typename: string; id: string }) as never,
    },
    nodesQueryOptions: {
      description: 'Users by global ID, in order (null where not found); at most 100 ids per call.',
      resolve: (_root, { ids }, ctx) => {
        // Each id may cost an upstream call: bound the fan-out like a connection page.
        if (ids.length > 100) throw new GatewayError('BAD_USER_INPUT', `nodes accepts at most 100 ids (got ${ids.length}); split the request.`);
        return ids.map((id) => ctx.loadNode(id as { typename: string; id: string })) as never;
      },
    },
  },
});

// graphql-scalars' DateTime, with a fast path: mappers already emit canonical UTC strings (isoDate), which
// need no re-parsing on every field of every user.
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
builder.addScalarType(
  'DateTime',
  new GraphQLScalarType({
    ...DateTimeResolver.toConfig(),
    serialize: (v) => (typeof v === 'string' && CANONICAL.test(v) ? v : DateTimeResolver.serialize(v)),
  }),
);
builder.addScalarType('JSON', JSONResolver);
builder.queryType({ description: 'Who is in every connected app.' });
