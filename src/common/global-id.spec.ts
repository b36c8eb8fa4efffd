import { parseGlobalId, toGlobalId } from './global-id';

describe('toGlobalId', () => {
  test('is base64("Type:id") for every prefix length and id, as Buffer encodes it', () => {
    for (const type of ['Customer', 'Product', 'Purchase', 'AuditLog', 'X', 'AB', 'ABC', 'Ticket']) {
      for (const id of [0, 1, 12, 123, 4567, 99_999, 123_456_789_012_345, -5, NaN]) {
        // Twice: the first call encodes the type's prefix, the second uses it.
        for (let i = 0; i < 2; i++) expect(toGlobalId(type, id)).toBe(Buffer.from(`${type}:${id}`).toString('base64'));
      }
    }
    expect(toGlobalId('Customer', 42)).toBe('Q3VzdG9tZXI6NDI=');
    expect(parseGlobalId(toGlobalId('Product', 496))).toEqual({ type: 'Product', id: 496 });
  });

  test('a type name outside ASCII is encoded as UTF-8, like Buffer does', () => {
    expect(toGlobalId('Ünïcode', 7)).toBe(Buffer.from('Ünïcode:7').toString('base64'));
  });
});
