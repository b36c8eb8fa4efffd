import { Kind, parse, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { selectsSubField } from './selection';

/** The resolve info of `lines` in a query: its field nodes and the document's fragments. */
function linesInfo(query: string) {
  const doc = parse(query);
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const purchase = op.selectionSet.selections[0] as FieldNode;
  const fieldNodes = purchase.selectionSet!.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === 'lines');
  return { fieldNodes, fragments };
}

describe('selectsSubField', () => {
  test('a sub-field selected directly, in an inline fragment or a named one (even nested) counts', () => {
    expect(selectsSubField(linesInfo('{ purchase { lines { quantity product { name } } } }'), 'product')).toBe(true);
    expect(selectsSubField(linesInfo('{ purchase { lines { ... on PurchaseLine { product { name } } } } }'), 'product')).toBe(true);
    expect(selectsSubField(linesInfo('{ purchase { lines { ...L } } } fragment L on PurchaseLine { ...P } fragment P on PurchaseLine { product { id } }'), 'product')).toBe(true);
    expect(selectsSubField(linesInfo('{ purchase { lines { quantity } lines { product { id } } } }'), 'product')).toBe(true);
  });

  test('absent, or behind a directive anywhere on the way: not certain, so false', () => {
    expect(selectsSubField(linesInfo('{ purchase { lines { quantity } } }'), 'product')).toBe(false);
    expect(selectsSubField(linesInfo('query($s: Boolean!) { purchase { lines { product @skip(if: $s) { name } } } }'), 'product')).toBe(false);
    expect(selectsSubField(linesInfo('query($s: Boolean!) { purchase { lines { ... @include(if: $s) { product { name } } } } }'), 'product')).toBe(false);
    expect(selectsSubField(linesInfo('query($s: Boolean!) { purchase { lines @include(if: $s) { product { name } } } }'), 'product')).toBe(false);
    expect(selectsSubField(linesInfo('{ purchase { lines { ...L } } } fragment L on PurchaseLine { quantity }'), 'product')).toBe(false);
    // A nested field of the same name further down is not this field's sub-field.
    expect(selectsSubField(linesInfo('{ purchase { lines { quantity other { product { id } } } } }'), 'product')).toBe(false);
  });
});
