import { parseIsoDateTime, parsePurchasesCsv } from './purchases-csv.parser';

const HEADER = 'orderRef,customerEmail,purchasedAt,channel,sku,quantity,unitPrice';

describe('parseIsoDateTime', () => {
  it('reads dates and date-times, UTC unless an offset is given, and refuses impossible ones', () => {
    expect(parseIsoDateTime('2024-03-01')?.toISOString()).toBe('2024-03-01T00:00:00.000Z');
    expect(parseIsoDateTime('2024-03-01T10:15')?.toISOString()).toBe('2024-03-01T10:15:00.000Z');
    expect(parseIsoDateTime('2024-03-01 10:15:30')?.toISOString()).toBe('2024-03-01T10:15:30.000Z');
    expect(parseIsoDateTime('2024-03-01T10:15:00+02:00')?.toISOString()).toBe('2024-03-01T08:15:00.000Z');
    for (const bad of ['2024-02-30', '2024-13-01', '2024-03-01T25:00', '01/03/2024', 'yesterday', '']) expect(parseIsoDateTime(bad)).toBeNull();
  });
});

describe('parsePurchasesCsv', () => {
  it('groups rows into orders by orderRef, defaulting channel and unit price', async () => {
    const r = await parsePurchasesCsv(`${HEADER}\nA-1,Ada@example.com,2024-03-01T10:15:00Z,online,PAN-0101,2,1.09\nB-1,bob@example.com,2024-03-02,,PAN-0201,1,\nA-1,ada@example.com,2024-03-01T10:15:00Z,ONLINE,PAN-0201,1,2.49\n`);
    expect(r.bad).toEqual([]);
    expect(r.rows).toEqual([
      {
        line: 2, orderRef: 'A-1', customerEmail: 'ada@example.com', purchasedAt: new Date('2024-03-01T10:15:00Z'), channel: 'ONLINE',
        lines: [{ line: 2, sku: 'PAN-0101', quantity: 2, unitPriceCents: 109 }, { line: 4, sku: 'PAN-0201', quantity: 1, unitPriceCents: 249 }],
      },
      { line: 3, orderRef: 'B-1', customerEmail: 'bob@example.com', purchasedAt: new Date('2024-03-02T00:00:00Z'), channel: 'STORE', lines: [{ line: 3, sku: 'PAN-0201', quantity: 1, unitPriceCents: null }] },
    ]);
  });

  it('skips a whole order when one of its rows is bad, reporting every row of it', async () => {
    const text = [
      HEADER,
      'A-1,ada@example.com,2024-03-01,STORE,PAN-0101,-2,',
      'A-1,ada@example.com,2024-03-01,STORE,PAN-0201,1,',
      'B-1,bob@example,2024-03-01,STORE,PAN-0101,1,',
      'C-1,cy@example.com,2024-02-30,STORE,PAN-0101,1,',
      'D-1,di@example.com,2024-03-01,STORE,PAN-0101,1,',
      'D-1,di@example.com,2024-03-02,STORE,PAN-0201,1,',
      'E-1,ed@example.com,2024-03-01,FAX,PAN-0101,1,x',
      'F 1,fe@example.com,2030-01-01,STORE,PAN-0101,1,',
    ].join('\n');
    const r = await parsePurchasesCsv(text, { now: new Date('2025-01-01T00:00:00Z') });
    expect(r.rows).toEqual([]);
    expect(r.bad).toEqual([
      { line: 2, reason: 'quantity must be at least 1' },
      { line: 3, reason: 'order A-1 has a bad row on line 2; the whole order is skipped' },
      { line: 4, reason: 'customerEmail "bob@example" is not a valid email address' },
      { line: 5, reason: 'purchasedAt "2024-02-30" is not an ISO 8601 date or date-time' },
      { line: 6, reason: 'order D-1 has a bad row on line 7; the whole order is skipped' },
      { line: 7, reason: 'order D-1 has another customerEmail, purchasedAt or channel on line 6' },
      { line: 8, reason: 'channel must be one of ONLINE, STORE, PHONE, APP, MARKETPLACE (got "FAX"); unitPrice "x" is not a number' },
      { line: 9, reason: 'purchasedAt 2030-01-01 is in the future; idempotencyKey must be 1-100 letters, digits, . _ : or -' },
    ]);
  });
});
