// The Pothos builder: non-null by default, Relay plugin for Node/global IDs, graphql-scalars types.
import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import { GraphQLScalarType } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { GatewayContext } from '../context.js';
import { GatewayError } from '../providers/engine/errors.js';

/** A global ID issued by this gateway → (type name, account:remoteId); anything else is BAD_USER_INPUT. */
export function decodeId(globalID: string): { typename: string; id: string } {
  const text = Buffer.from(globalID, 'base64url').toString('utf8');
  const i = text.indexOf(':');
  if (i < 1 || Buffer.from(text).toString('base64url') !== globalID.replace(/=+$/, ''))
    throw new GatewayError('BAD_USER_INPUT', `"${globalID.slice(0, 80)}" is not a user ID issued by this gateway. Use the id field of a user.`);
  return { typename: text.slice(0, i), id: text.slice(i + 1) };
}

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
    decodeGlobalID: decodeId,
    // node/nodes are ours (src/resolvers/nodes.ts): each id decodes and fails on its own, so one bad id
    // nulls its own entry instead of the whole field.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
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
