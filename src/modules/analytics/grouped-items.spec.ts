import { GroupedItemsBuilder } from './grouped-items';

describe('GroupedItemsBuilder', () => {
  test('packs rows in group order into dense item indexes and group starts', () => {
    const b = new GroupedItemsBuilder();
    const rows: [number, string | number][] = [[7, 10], [7, 11], [9, 11], [12, 'bakery'], [12, 10], [12, 13]];
    for (const [g, item] of rows) b.add(g, item);
    const { items, starts, names } = b.build();
    expect(names).toEqual([10, 11, 'bakery', 13]);
    expect([...items]).toEqual([0, 1, 1, 2, 0, 3]);
    expect([...starts]).toEqual([0, 2, 3, 6]);
    // Every group's rows read back as the items it was given.
    const groups = [...starts].slice(0, -1).map((s, g) => [...items.subarray(s, starts[g + 1])].map((i) => names[i]));
    expect(groups).toEqual([[10, 11], [11], ['bakery', 10, 13]]);
  });

  test('grows past its first capacity without losing rows', () => {
    const b = new GroupedItemsBuilder();
    for (let g = 0; g < 3000; g++) for (let k = 0; k < 3; k++) b.add(g, (g + k) % 50);
    const { items, starts, names } = b.build();
    expect(items.length).toBe(9000);
    expect(starts.length).toBe(3001);
    expect(starts[3000]).toBe(9000);
    expect(names.length).toBe(50);
    expect(names[items[starts[2999] + 2]]).toBe((2999 + 2) % 50);
  });

  test('keeps the id of each group when asked', () => {
    const b = new GroupedItemsBuilder({ keepGroupIds: true });
    for (let g = 0; g < 70_000; g++) b.add(1_000_000 + g * 3, g % 7); // more groups than a storage block
    const { groupIds, starts } = b.build();
    expect(groupIds!.length).toBe(starts.length - 1);
    expect([groupIds![0], groupIds![65_536], groupIds![69_999]]).toEqual([1_000_000, 1_000_000 + 65_536 * 3, 1_000_000 + 69_999 * 3]);
    expect(new GroupedItemsBuilder().build().groupIds).toBeUndefined();
    expect(() => new GroupedItemsBuilder({ keepGroupIds: true }).add(2 ** 31, 1)).toThrow(RangeError);
  });

  test('rows across many storage blocks read back in order', () => {
    const b = new GroupedItemsBuilder();
    const n = 300_000;
    for (let r = 0; r < n; r++) b.add(Math.floor(r / 7), r % 101);
    const { items, starts, names } = b.build();
    expect(items.length).toBe(n);
    expect(starts.length).toBe(Math.ceil(n / 7) + 1);
    expect(starts[starts.length - 1]).toBe(n);
    for (let r = 0; r < n; r += 9973) expect(names[items[r]]).toBe(r % 101);
    for (let g = 0; g < starts.length - 1; g += 4999) expect(starts[g]).toBe(g * 7);
  });

  test('no rows: no groups, starts [0]', () => {
    const { items, starts, names } = new GroupedItemsBuilder().build();
    expect([items.length, [...starts], names]).toEqual([0, [0], []]);
  });
});
