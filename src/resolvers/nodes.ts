// Query.node / Query.nodes: user IDs resolve through the per-request `users` DataLoader, which batches
// ids per account into the provider's bulk endpoint. Both fields are nullable and `nodes` fails per
// item: a malformed or failing id nulls its own entry, with an error at its index.
import { builder, decodeId } from '../schema/builder.js';
import { GatewayError } from '../providers/engine/errors.js';
import '../schema/users.js'; // the user types node/nodes resolve to

const NodeRef = builder.nodeInterfaceRef();

builder.queryField('node', (t) =>
  t.field({
    type: NodeRef,
    nullable: true,
    description: "A user by global ID; null when it does not exist or belongs to another tenant's account. Select shared fields with `... on User`.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => ctx.loadNode(decodeId(String(id))) as never,
  }),
);

builder.queryField('nodes', (t) =>
  t.field({
    type: [NodeRef],
    nullable: { list: true, items: true },
    description: 'Users by global ID, in order: null where not found, and null with its own error (path ["nodes", index]) where an id is malformed or its upstream fails. At most 100 ids per call.',
    args: { ids: t.arg.idList({ required: true }) },
    resolve: (_root, { ids }, ctx) => {
      // Each id may cost an upstream call: bound the fan-out like a connection page.
      if (ids.length > 100) throw new GatewayError('BAD_USER_INPUT', `nodes accepts at most 100 ids (got ${ids.length}); split the request.`);
      return ids.map(async (id) => ctx.loadNode(decodeId(String(id)))) as never;
    },
  }),
);
