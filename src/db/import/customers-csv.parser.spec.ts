import { parseCustomersCsv } from './customers-csv.parser';

const HEADER = 'name,email,phone,gender,birthDate,city,country,annualIncome,emailOptIn,smsOptIn,tags';

describe('parseCustomersCsv', () => {
  it('reads a full row, leaving empty cells unset', async () => {
    const r = await parseCustomersCsv(`${HEADER}\n"Lovelace, Ada",Ada@Example.com,+44 20 7946 0000,female,1990-12-10,London,gb,85000,yes,0,vip| newsletter\n,bob@example.com,,,,,,,,,\n`);
    expect(r.bad).toEqual([]);
    expect(r.rows.map((x) => ({ line: x.line, ...x.fields }))).toEqual([
      {
        line: 2, name: 'Lovelace, Ada', email: 'ada@example.com', phone: '+44 20 7946 0000', gender: 'FEMALE', birthDate: '1990-12-10',
        city: 'London', country: 'GB', annualIncome: 85000, emailOptIn: true, smsOptIn: false, tags: ['vip', 'newsletter'],
      },
      { line: 3, email: 'bob@example.com' },
    ]);
  });

  it('checks rows with the API rules and reports each bad row with its line', async () => {
    const r = await parseCustomersCsv(`${HEADER}\nA,not-an-email,,,,,,,,,\nB,,,ROBOT,,,,,,,\nC,,,,2999-01-01,,,,,,\nD,,,,,,,-5,maybe,,\n,,,,,,,,,,\nE,,,\n`);
    expect(r.rows).toEqual([]);
    expect(r.bad).toEqual([
      { line: 2, reason: 'email must be a valid email address' },
      { line: 3, reason: 'gender must be FEMALE, MALE or OTHER (got "ROBOT")' },
      { line: 4, reason: 'birthDate must be a real date (YYYY-MM-DD) not in the future' },
      { line: 5, reason: 'emailOptIn must be true or false (got "maybe"); annualIncome must not be negative' },
      { line: 6, reason: 'name or email is required' },
      { line: 7, reason: 'expected 11 fields, found 4' },
    ]);
  });

  it('accepts the columns in any order but not unknown ones', async () => {
    expect((await parseCustomersCsv('email,name\nx@example.com,X')).rows[0].fields).toEqual({ email: 'x@example.com', name: 'X' });
    expect((await parseCustomersCsv('email,nickname\nx@example.com,X')).bad[0]).toEqual({ line: 1, reason: expect.stringMatching(/unknown column\(s\) nickname/) });
  });
});
