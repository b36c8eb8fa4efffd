import { parseMallCustomers } from './mall-customers.parser';

describe('parseMallCustomers', () => {
  const asOf = new Date('2024-06-30T00:00:00Z');

  it('maps a row to a customer: age to a birth date half a year into that age, income in k$, score as a tag', async () => {
    const r = await parseMallCustomers('CustomerID,Genre,Age,Annual_Income (k$),Spending_Score (1-100)\r\n1,Male,19,15,39\r\n2,Female,40,87.5,100', { asOf });
    expect(r.bad).toEqual([]);
    // 2024-06-30 minus 19 years = 2005-06-30; minus 182 days = 2004-12-30.
    expect(r.rows.map((x) => ({ line: x.line, ...x.fields }))).toEqual([
      { line: 2, name: 'Mall customer 1', gender: 'MALE', birthDate: '2004-12-30', annualIncome: 15000, tags: ['spending-score-39'] },
      { line: 3, name: 'Mall customer 2', gender: 'FEMALE', birthDate: '1983-12-31', annualIncome: 87500, tags: ['spending-score-100'] },
    ]);
  });

  it('reports bad rows with their line numbers and a missing column in the header', async () => {
    const r = await parseMallCustomers('CustomerID,Genre,Age,Annual_Income,Spending_Score\n1,Robot,19,15,39\n2,Male,x,15,39\n3,Male,30,15,0\n4,Male,30,15', { asOf });
    expect(r.rows).toEqual([]);
    expect(r.bad).toEqual([
      { line: 2, reason: 'Genre must be Male or Female (got "Robot")' },
      { line: 3, reason: 'Age "x" is not a whole number of years up to 120' },
      { line: 4, reason: 'Spending_Score "0" is not an integer from 1 to 100' },
      { line: 5, reason: 'expected 5 fields, found 4' },
    ]);
    expect((await parseMallCustomers('CustomerID,Genre,Age\n1,Male,3', { asOf })).bad).toEqual([{ line: 1, reason: 'header lacks column(s) Annual_Income, Spending_Score' }]);
  });
});
