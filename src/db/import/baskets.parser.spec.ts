import { basketSku, parseBaskets } from './baskets.parser';

describe('parseBaskets', () => {
  it('keeps item names exactly, counts a repeated item once, and reports empty lines and items by line', () => {
    const r = parseBaskets('citrus fruit,cream cheese ,margarine\r\nwhole milk\n\nyogurt,yogurt,coffee\nbeer,,wine\n');
    expect(r.rows).toEqual([
      { line: 1, items: ['citrus fruit', 'cream cheese ', 'margarine'] },
      { line: 2, items: ['whole milk'] },
      { line: 4, items: ['yogurt', 'coffee'] },
    ]);
    expect(r.bad).toEqual([{ line: 3, reason: 'empty basket' }, { line: 5, reason: 'empty item name' }]);
  });
});

describe('basketSku', () => {
  it('is stable, readable and tells apart names that differ only by a trailing space or case', () => {
    expect(basketSku('cream cheese ')).toBe(basketSku('cream cheese '));
    expect(basketSku('cream cheese ')).toMatch(/^BSK-cream-cheese-[0-9a-f]{8}$/);
    expect(basketSku('cream cheese ')).not.toBe(basketSku('cream cheese'));
    expect(basketSku('Beer')).not.toBe(basketSku('beer'));
    expect(basketSku('x'.repeat(200)).length).toBeLessThanOrEqual(64);
    expect(basketSku('???')).toMatch(/^BSK-item-/);
  });
});
