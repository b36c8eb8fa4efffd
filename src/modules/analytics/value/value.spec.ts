import { fitValueTiers, purchaseFrequency, valueTier } from './value';

const DAY = 86_400_000;
const asOf = Date.UTC(2024, 5, 30);

describe('purchaseFrequency', () => {
  it('is purchases per 30 days over the tenure', () => {
    expect(purchaseFrequency(6, asOf - 90 * DAY, asOf)).toBe(2);
    expect(purchaseFrequency(3, asOf - 45 * DAY, asOf)).toBe(2);
  });

  it('uses a tenure of at least 30 days', () => {
    expect(purchaseFrequency(2, asOf - 10 * DAY, asOf)).toBe(2);
    expect(purchaseFrequency(1, asOf, asOf)).toBe(1);
  });

  it('is 0 without purchases', () => {
    expect(purchaseFrequency(0, null, asOf)).toBe(0);
  });

  it('rejects inconsistent input', () => {
    expect(() => purchaseFrequency(2, null, asOf)).toThrow(TypeError);
    expect(() => purchaseFrequency(1, asOf + DAY, asOf)).toThrow(/after asOf/);
    expect(() => purchaseFrequency(-1, asOf, asOf)).toThrow(RangeError);
    expect(() => purchaseFrequency(1.5, asOf, asOf)).toThrow(RangeError);
    expect(() => purchaseFrequency(1, asOf, Number.NaN)).toThrow(TypeError);
  });
});

describe('fitValueTiers / valueTier', () => {
  it('puts the top 20% HIGH and the next 30% MEDIUM', () => {
    const model = fitValueTiers([700, 100, 1000, 300, 900, 200, 600, 400, 800, 500]);
    expect(model).toEqual({ highMin: 900, mediumMin: 600 });
    expect([1000, 900, 899, 600, 599, 100].map((t) => valueTier(model, t))).toEqual([
      'HIGH',
      'HIGH',
      'MEDIUM',
      'MEDIUM',
      'LOW',
      'LOW',
    ]);
  });

  it('counts the cut ranks exactly (0.2 * 35 is not 7 in floating point)', () => {
    const totals = Array.from({ length: 35 }, (_, i) => i + 1);
    // top ceil(7) = 7 customers are 29..35, top ceil(17.5) = 18 are 18..35
    expect(fitValueTiers(totals)).toEqual({ highMin: 29, mediumMin: 18 });
  });

  it('keeps equal totals in one tier', () => {
    const model = fitValueTiers([5, 5, 5, 5, 5, 1, 1, 1, 1, 1]);
    expect(model).toEqual({ highMin: 5, mediumMin: 5 });
    expect(valueTier(model, 5)).toBe('HIGH');
    expect(valueTier(model, 1)).toBe('LOW');
  });

  it('never ranks a customer who spent nothing above LOW', () => {
    const model = fitValueTiers([0, 0, 0, 0, 0, 0, 0, 0, 10, 20]);
    expect(model).toEqual({ highMin: 10, mediumMin: 0 });
    expect(valueTier(model, 0)).toBe('LOW');
    expect(valueTier(model, 5)).toBe('MEDIUM');
    expect(valueTier(model, 10)).toBe('HIGH');
  });

  it('accepts typed arrays and rejects bad totals', () => {
    expect(fitValueTiers(new Float64Array([3]))).toEqual({ highMin: 3, mediumMin: 3 });
    expect(() => fitValueTiers([])).toThrow(RangeError);
    expect(() => fitValueTiers([1, -2])).toThrow(/totals\[1\]/);
    expect(() => fitValueTiers([Number.NaN])).toThrow(RangeError);
    expect(() => valueTier({ highMin: 1, mediumMin: 0 }, Number.NaN)).toThrow(TypeError);
  });
});
