// Query.node / Query.nodes: user IDs resolve through the per-request `users` DataLoader, which batches
// ids per account into the provider's bulk endpoint. Both fields are nullable and `nodes` fails per
// item: a malformed or failing id nulls its own entry, with an error at its index.
import type DataLoader from 'dataloader';
import { builder, decodeId } from '../schema/builder.js';
import { GatewayError } from '../providers/engine/errors.js';
import type { Category, UserRecord } from '../providers/engine/types.js';
import { USER_TYPE_NAME } from '../schema/users.js';

/** The category a global id's type names: a provider serving several looks the id up in that one. */
const CATEGORY_OF = new Map(Object.entries(USER_TYPE_NAME).map(([c, t]) => [t, c as Category]));

/** `users` is keyed by `${category}:${accountId}:${remoteId}`. */
export async function resolveUserNode(users: DataLoader<string, UserRecord | null>, id: { typename: string; id: string }): Promise<UserRecord | null> {
  const category = CATEGORY_OF.get(id.typename);
  if (!category || !id.id.includes(':')) return null;
  const user = await users.load(`${category}:${id.id}`);
  return user && USER_TYPE_NAME[user.category] === id.typename ? user : null;
}

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
