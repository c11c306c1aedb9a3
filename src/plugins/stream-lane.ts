// The stream lane: `users { edges @stream … }` run by graphql-jit instead of the general incremental
// executor, which completes every streamed edge field by field (an info object, a path and promises per
// field of every user). The document is cut into compiled pieces that reuse its own nodes (so errors keep
// their locations): the first payload (the deferred fragment left out), the edges selection (run once per
// page of edges, as items), and the deferred fragment (run once the walk ends, for pageInfo). Query.users and
// the lane share the walk through a StreamFeed (resolvers/stream-feed.ts). Payloads are those of the general
// executor, one incremental entry per item, so clients read the same. Only the shape Relay's
// @stream_connection makes takes the lane; anything else (another @stream or @defer, `if:`, fragments
// beside the edges, pageInfo outside @defer) takes the general executor.
import { GraphQLError, Kind, locatedError, visit, type DirectiveNode, type DocumentNode, type ExecutionArgs, type ExecutionResult, type FieldNode, type GraphQLSchema, type InlineFragmentNode, type OperationDefinitionNode, type SelectionNode } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import type { GatewayContext } from '../context.js';
import type { WalkPage } from '../providers/engine/stream.js';
import { StreamFeed, walkEnd, type AdoptedWalk, type WalkEnd } from '../resolvers/stream-feed.js';
import { withErrorLocations } from './error-locations.js';

type Run = (root: unknown, context: unknown, variables: Record<string, unknown>) => ExecutionResult | Promise<ExecutionResult>;

export interface StreamLanePlan {
  /** Response key of the root `users` field whose edges stream. */
  key: string;
  streamLabel?: string;
  deferLabel?: string;
  edges: FieldNode;
  document: DocumentNode;
  initial: Run;
  items: Run;
  deferred?: Run;
}

const keyOf = (f: FieldNode) => (f.alias ?? f.name).value;
const directive = (s: { directives?: readonly DirectiveNode[] }, name: string) => s.directives?.find((d) => d.name.value === name);
/** Only these arguments, and a label only as a literal string. */
const plainArgs = (d: DirectiveNode, allowed: string[]) => (d.arguments ?? []).every((a) => allowed.includes(a.name.value) && (a.name.value !== 'label' || a.value.kind === Kind.STRING));
const labelOf = (d: DirectiveNode | undefined) => {
  const v = d?.arguments?.find((a) => a.name.value === 'label')?.value;
  return v?.kind === Kind.STRING ? v.value : undefined;
};

/** The document with `operation`'s selections replaced. */
function withSelections(document: DocumentNode, operation: OperationDefinitionNode, selections: readonly SelectionNode[]): DocumentNode {
  const op: OperationDefinitionNode = { ...operation, selectionSet: { ...operation.selectionSet, selections } };
  return { ...document, definitions: document.definitions.map((d) => (d === operation ? op : d)) };
}
const withChildren = (field: FieldNode, selections: readonly SelectionNode[]): FieldNode => ({ ...field, selectionSet: { kind: Kind.SELECTION_SET, selections } });

/** The lane's plan for a document the lane can run (see the header), or null. */
export function planStreamLane(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): StreamLanePlan | null {
  if (operation.operation !== 'query') return null;
  let streams = 0;
  let defers = 0;
  visit(document, {
    Directive: (d) => {
      if (d.name.value === 'stream') streams++;
      if (d.name.value === 'defer') defers++;
    },
  });
  if (streams !== 1 || defers > 1) return null;
  const users = operation.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === 'users' && !!s.selectionSet?.selections.some((c) => !!directive(c, 'stream')));
  if (!users || users.directives?.length) return null;
  // Another root selection under the same key (or a fragment that may hold one) is merged into this field by
  // the executor, pageInfo and all: the general executor's.
  if (operation.selectionSet.selections.some((s) => s !== users && (s.kind !== Kind.FIELD || keyOf(s) === keyOf(users)))) return null;
  let edges: FieldNode | undefined;
  let deferred: InlineFragmentNode | undefined;
  const plain: FieldNode[] = [];
  for (const s of users.selectionSet!.selections) {
    if (s.kind === Kind.FIELD && directive(s, 'stream')) edges = s;
    else if (s.kind === Kind.INLINE_FRAGMENT && !s.typeCondition && s.directives?.length === 1 && directive(s, 'defer')) deferred = s;
    else if (s.kind === Kind.FIELD && !s.directives?.length) plain.push(s);
    else return null; // a fragment may hide pageInfo or the streamed field again
  }
  if (!edges || edges.name.value !== 'edges' || edges.directives!.length !== 1 || !plainArgs(edges.directives![0]!, ['initialCount', 'label'])) return null;
  if (defers && !deferred) return null;
  if (deferred && !plainArgs(deferred.directives![0]!, ['label'])) return null;
  // pageInfo is known only at the end; edges selected twice, or again under the defer, are the general executor's.
  if (plain.some((f) => f.name.value === 'pageInfo' || f.name.value === 'edges' || keyOf(f) === keyOf(edges))) return null;
  if (deferred?.selectionSet.selections.some((s) => s.kind !== Kind.FIELD || s.name.value === 'edges' || keyOf(s) === keyOf(edges))) return null;

  const name = operation.name?.value;
  const compile = (doc: DocumentNode): Run | null => {
    const c = compileQuery(schema, doc, name);
    return isCompiledQuery(c) ? (c.query.bind(c) as Run) : null;
  };
  const initial = compile(withSelections(document, operation, operation.selectionSet.selections.map((s) => (s === users ? withChildren(users, users.selectionSet!.selections.filter((c) => c !== deferred)) : s))));
  const items = compile(withSelections(document, operation, [withChildren(users, [{ ...edges, directives: [] }])]));
  const later = deferred ? compile(withSelections(document, operation, [withChildren(users, deferred.selectionSet.selections)])) : undefined;
  if (!initial || !items || later === null) return null;
  return { key: keyOf(users), streamLabel: labelOf(edges.directives![0]), deferLabel: labelOf(deferred?.directives![0]), edges, document, initial, items, deferred: later };
}

/** A payload of incremental delivery, as yoga writes it (multipart/mixed or text/event-stream). */
type Payload = ExecutionResult & { hasNext?: boolean; incremental?: unknown[] };
type Entry = { items: unknown[] | null; path: (string | number)[]; label?: string; errors?: GraphQLError[] };

/** An error of a run over one page of edges, moved to where that page's edges sit in the stream. */
function shifted(e: GraphQLError, by: number): GraphQLError {
  const path = [...(e.path ?? [])];
  if (typeof path[2] === 'number') path[2] += by;
  return new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, path, originalError: e.originalError, extensions: e.extensions });
}

/** Runs a planned document: its first payload, then each page's edges as items, then the deferred fragment. */
export async function executeStreamLane(plan: StreamLanePlan, args: ExecutionArgs): Promise<ExecutionResult | AsyncGenerator<Payload>> {
  const ctx = args.contextValue as GatewayContext;
  const vars = (args.variableValues ?? {}) as Record<string, unknown>;
  const run = async (r: Run) => withErrorLocations(await r(args.rootValue, ctx, vars), plan.document);
  const feed = new StreamFeed(plan.key);
  ctx.lane = feed;
  const initial = await run(plan.initial);
  const adopted = feed.walk;
  if (!adopted || (initial.data as Record<string, unknown> | null | undefined)?.[plan.key] == null) {
    await adopted?.pages.return?.();
    return initial; // the streamed field failed or was left out: nothing follows
  }
  const walk: AdoptedWalk = adopted;
  const { key, streamLabel: label } = plan;
  const at = (i: number) => [key, 'edges', i];

  /** The incremental entries of one page of edges, starting at stream position `index`. */
  const itemsOf = async (edges: unknown[], index: number): Promise<Entry[]> => {
    feed.answer = { edges };
    const r = await run(plan.items);
    const done = ((r.data as Record<string, { edges?: unknown[] } | null> | null | undefined)?.[key]?.edges) ?? null;
    const errors = (r.errors ?? []).map((e) => shifted(e as GraphQLError, index));
    if (!done) return [{ items: null, path: at(index), ...(label ? { label } : {}), errors }];
    const entries: Entry[] = done.map((item, k) => ({ items: [item], path: at(index + k), ...(label ? { label } : {}) }));
    for (const e of errors) {
      const entry = entries[Number(e.path?.[2]) - index];
      if (entry) (entry.errors ??= []).push(e);
    }
    return entries;
  };

  async function* deliver(): AsyncGenerator<Payload> {
    let index = ((initial.data as Record<string, { edges?: unknown[] }>)[key]?.edges ?? []).length;
    let failure: { error: unknown } | undefined;
    let end: WalkEnd | undefined = walk.end;
    try {
      yield { ...initial, hasNext: true };
      let batch = walk.rest;
      for (;;) {
        if (batch.length) {
          yield { incremental: await itemsOf(batch, index), hasNext: true };
          index += batch.length;
        }
        if (end) break;
        let step: IteratorResult<WalkPage>;
        try {
          step = await walk.pages.next();
        } catch (error) {
          failure = { error };
          const e = locatedError(error, [plan.edges], at(index));
          yield { incremental: [{ items: null, path: at(index), ...(label ? { label } : {}), errors: [e] }], hasNext: !!plan.deferred };
          break;
        }
        if (step.done) {
          end = { hasNextPage: false, endCursor: null };
          break;
        }
        walk.startCursor ??= step.value.edges[0]?.cursor ?? null;
        batch = step.value.edges;
        if (step.value.last) end = walkEnd(step.value);
      }
      if (plan.deferred) {
        const startCursor = walk.startCursor ?? null;
        const settled = end;
        feed.answer = {
          edges: [],
          debug: walk.calls,
          // A getter: only a selected pageInfo reads the failure (an unread rejection would go unhandled).
          get pageInfo() {
            return failure ? Promise.reject(failure.error) : { ...settled!, startCursor, hasPreviousPage: false };
          },
        };
        const r = await run(plan.deferred);
        const data = (r.data as Record<string, unknown> | null | undefined)?.[key] ?? null;
        yield { incremental: [{ data, path: [key], ...(plan.deferLabel ? { label: plan.deferLabel } : {}), ...(r.errors?.length ? { errors: r.errors } : {}) }], hasNext: false };
      } else if (!failure) yield { hasNext: false };
    } finally {
      feed.answer = undefined;
      await walk.pages.return?.();
    }
  }
  return deliver();
}
