import { headerIndex, parseCsv, textLines } from './csv';

describe('parseCsv', () => {
  it('splits fields, honours quotes, escaped quotes and CRLF, and numbers records by their first line', () => {
    const { records, bad } = parseCsv('a,b,c\r\n"x, y","say ""hi""",\r\n"multi\nline",2,3\n\nlast,,z');
    expect(bad).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', ''] },
      { line: 3, fields: ['multi\nline', '2', '3'] },
      { line: 6, fields: ['last', '', 'z'] },
    ]);
  });

  it('reports an unterminated quote at the line where its record starts', () => {
    expect(parseCsv('a,b\n"open,1\n2\n')).toEqual({ records: [{ line: 1, fields: ['a', 'b'] }], bad: [{ line: 2, reason: 'unterminated quoted field' }] });
  });

  it('skips a byte-order mark', () => {
    expect(parseCsv('\ufeffname\nAda').records).toEqual([{ line: 1, fields: ['name'] }, { line: 2, fields: ['Ada'] }]);
  });
});

describe('textLines', () => {
  it('numbers lines from 1, strips CR, ignores the empty tail after the last newline', () => {
    expect(textLines('a\r\nb \n\nc\n')).toEqual([{ line: 1, text: 'a' }, { line: 2, text: 'b ' }, { line: 3, text: '' }, { line: 4, text: 'c' }]);
  });
});

describe('headerIndex', () => {
  it('matches ignoring case, underscores and parentheses, and names missing or unknown columns', () => {
    const names = ['CustomerID', 'Annual_Income'] as const;
    expect(headerIndex(['annual income (k$)', 'customerid'], names, names)).toEqual({ index: { CustomerID: 1, Annual_Income: 0 }, error: null });
    expect(headerIndex(['CustomerID'], names, names).error).toBe('header lacks column(s) Annual_Income');
    expect(headerIndex(['CustomerID', 'Annual_Income', 'Extra'], names, names).error).toMatch(/unknown column\(s\) Extra/);
  });
});
