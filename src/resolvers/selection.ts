import type { FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';

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
