import type { DirectiveNode, FieldNode, FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/** Whether the operation selects a field with this name anywhere (through fragments too). */
export function operationSelects(info: GraphQLResolveInfo, field: string): boolean {
  return selects(info, [info.operation.selectionSet], field);
}

/** Whether the current field's own selection includes a field with this name, at any depth. */
export function fieldSelects(info: GraphQLResolveInfo, field: string): boolean {
  return selects(info, info.fieldNodes.map((n) => n.selectionSet), field);
}

function selects(info: GraphQLResolveInfo, roots: (SelectionSetNode | undefined)[], field: string): boolean {
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode | undefined): boolean =>
    !!set &&
    set.selections.some((s) => {
      if (s.kind === 'Field') return s.name.value === field || walk(s.selectionSet);
      if (s.kind === 'InlineFragment') return walk(s.selectionSet);
      if (seen.has(s.name.value)) return false;
      seen.add(s.name.value);
      return walk((info.fragments[s.name.value] as FragmentDefinitionNode | undefined)?.selectionSet);
    });
  return roots.some(walk);
}

/** A directive's `if`/argument as the request gives it (a literal or a variable). */
function argValue(info: GraphQLResolveInfo, d: DirectiveNode, name: string): unknown {
  const arg = d.arguments?.find((a) => a.name.value === name);
  if (!arg) return undefined;
  return arg.value.kind === 'Variable' ? info.variableValues[arg.value.name.value] : 'value' in arg.value ? arg.value.value : undefined;
}
const active = (info: GraphQLResolveInfo, d: DirectiveNode) => argValue(info, d, 'if') !== false;

/** The current field's direct child selections named `field` (through fragments), each with whether a @defer lies on the way. */
function children(info: GraphQLResolveInfo, field: string): { node: FieldNode; deferred: boolean }[] {
  const out: { node: FieldNode; deferred: boolean }[] = [];
  const seen = new Set<string>();
  const deferredBy = (ds: readonly DirectiveNode[] | undefined) => !!ds?.some((d) => d.name.value === 'defer' && active(info, d));
  const walk = (set: SelectionSetNode | undefined, deferred: boolean) => {
    for (const s of set?.selections ?? []) {
      if (s.kind === 'Field') {
        if (s.name.value === field) out.push({ node: s, deferred });
      } else if (s.kind === 'InlineFragment') walk(s.selectionSet, deferred || deferredBy(s.directives));
      else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        walk((info.fragments[s.name.value] as FragmentDefinitionNode | undefined)?.selectionSet, deferred || deferredBy(s.directives));
      }
    }
  };
  for (const n of info.fieldNodes) walk(n.selectionSet, false);
  return out;
}

/** `edges @stream(initialCount: n)` on the current connection field: its initialCount, or undefined when not streamed. */
export function streamedEdges(info: GraphQLResolveInfo): { initialCount: number } | undefined {
  for (const { node } of children(info, 'edges')) {
    const d = node.directives?.find((x) => x.name.value === 'stream' && active(info, x));
    if (d) return { initialCount: Number(argValue(info, d, 'initialCount') ?? 0) };
  }
  return undefined;
}

/** Whether the current field selects `field` outside every @defer (so the first payload waits for it). */
export function selectsUndeferred(info: GraphQLResolveInfo, field: string): boolean {
  return children(info, field).some((c) => !c.deferred);
}
