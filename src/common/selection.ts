import { Kind, type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

const answers = new WeakMap<readonly FieldNode[], Map<string, boolean>>();

/**
 * Whether the field being resolved certainly selects the sub-field `name` (directly, or through fragments): a
 * resolver may then load what that sub-field needs together with its own rows. Certainly: a selection on the
 * way with a directive (@skip, @include) answers false, and so does anything else than a field or a fragment.
 * Remembered per field (its nodes belong to one parsed document, and the answer reads no variable).
 */
export function selectsSubField(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, name: string): boolean {
  let byName = answers.get(info.fieldNodes);
  if (!byName) answers.set(info.fieldNodes, (byName = new Map()));
  let answer = byName.get(name);
  if (answer === undefined) {
    answer = info.fieldNodes.some((node) => !node.directives?.length && !!node.selectionSet && selects(node.selectionSet, name, info.fragments, new Set()));
    byName.set(name, answer);
  }
  return answer;
}

function selects(set: SelectionSetNode, name: string, fragments: Record<string, FragmentDefinitionNode>, seen: Set<string>): boolean {
  for (const s of set.selections) {
    if (s.directives?.length) continue;
    if (s.kind === Kind.FIELD) {
      if (s.name.value === name) return true;
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      if (selects(s.selectionSet, name, fragments, seen)) return true;
    } else if (s.kind === Kind.FRAGMENT_SPREAD && !seen.has(s.name.value)) {
      seen.add(s.name.value);
      const fragment = fragments[s.name.value];
      if (fragment && !fragment.directives?.length && selects(fragment.selectionSet, name, fragments, seen)) return true;
    }
  }
  return false;
}
