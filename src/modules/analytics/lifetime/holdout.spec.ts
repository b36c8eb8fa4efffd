import { cdnowTransactions } from './cdnow.fixtures';
import { bestByHoldout, purchaseValidation, splitCalibrationHoldout, validatePurchaseModels } from './holdout';

describe('splitCalibrationHoldout', () => {
  it('splits a tiny history by day: calibration summary, holdout purchase days and spend', () => {
    const day = (d: number) => Date.UTC(2024, 0, 1) + d * 86_400_000;
    const split = splitCalibrationHoldout(
      [
        { customerId: 'a', at: day(0), amount: 10 },
        { customerId: 'a', at: day(7), amount: 20 },
        { customerId: 'a', at: day(15), amount: 5 },
        { customerId: 'a', at: day(15), amount: 5 },
        { customerId: 'a', at: day(20), amount: 1 },
        { customerId: 'b', at: day(16), amount: 99 }, // first purchase in the holdout: not a calibration customer
      ],
      { calibrationEnd: day(14), holdoutEnd: day(28), timeUnitDays: 7 },
    );
    expect(split.holdoutDuration).toBe(2);
    expect(split.customers).toEqual([{ customerId: 'a', frequency: 1, recency: 1, T: 2, monetaryValue: 20, holdoutFrequency: 2, holdoutSpend: 11 }]);
    expect(() => splitCalibrationHoldout([], { calibrationEnd: day(2), holdoutEnd: day(1) })).toThrow(/after calibrationEnd/);
  });
});

describe('validatePurchaseModels on CDNOW (calibration to 1997-09-30, holdout to 1998-06-30)', () => {
  const split = splitCalibrationHoldout(cdnowTransactions(), { calibrationEnd: Date.UTC(1997, 8, 30), holdoutEnd: Date.UTC(1998, 5, 30) });

  it('has 2,357 customers, a 39-week holdout and 1,882 holdout purchase days', () => {
    expect(split.customers).toHaveLength(2357);
    expect(split.holdoutDuration).toBe(39);
    expect(split.customers.reduce((s, c) => s + c.holdoutFrequency, 0)).toBe(1882);
  });

  it('ranks Pareto/NBD first by mean absolute error; BG/NBD underpredicts the one-time buyers least but misses the rest', () => {
    const results = validatePurchaseModels(split, ['BG_NBD', 'MBG_NBD', 'PARETO_NBD']);
    const by = Object.fromEntries(results.map((r) => [r.model, r]));
    expect(bestByHoldout(results)).toBe('PARETO_NBD');
    expect(by.PARETO_NBD.meanAbsoluteError).toBeCloseTo(0.7545, 3);
    expect(by.BG_NBD.meanAbsoluteError).toBeCloseTo(0.7855, 3);
    expect(by.MBG_NBD.meanAbsoluteError).toBeCloseTo(0.7648, 3);
    expect(by.PARETO_NBD.predictedPurchases).toBeCloseTo(1665.5, 0);
    expect(by.BG_NBD.predictedPurchases).toBeCloseTo(1653.4, 0);
    for (const r of results) {
      expect(r.actualPurchases).toBe(1882);
      expect(r.byFrequency.map((g) => g.frequency)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
      expect(r.byFrequency.reduce((s, g) => s + g.customers, 0)).toBe(2357);
      expect(r.byFrequency[0].customers).toBe(1411);
    }
  });

  it('scores a perfect prediction with zero error', () => {
    const perfect = purchaseValidation({ kind: 'BG_NBD', params: { r: 1, alpha: 1, a: 1, b: 1 } }, split, split.customers.map((c) => c.holdoutFrequency));
    expect(perfect.meanAbsoluteError).toBe(0);
    expect(perfect.predictedPurchases).toBe(perfect.actualPurchases);
  });
});
