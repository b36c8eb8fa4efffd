import { cdnowSummaryWithSpend } from './cdnow.fixtures';
import { fitGammaGamma, gammaGammaExpectedValue, GammaGammaParams } from './gamma-gamma';

// Published Gamma-Gamma fit of the 946 CDNOW repeat buyers (Hardie's note 025; lifetimes documentation).
const published: GammaGammaParams = { p: 6.25, q: 3.74, v: 15.45 };

describe('fitGammaGamma', () => {
  it('reproduces the published CDNOW fit on the 946 repeat buyers (p 6.25, q 3.74, v 15.45)', () => {
    const fit = fitGammaGamma(cdnowSummaryWithSpend());
    expect(fit.converged).toBe(true);
    expect(fit.subjects).toBe(946);
    for (const name of ['p', 'q', 'v'] as const) {
      expect(Math.abs(fit.params[name] - published[name])).toBeLessThanOrEqual(0.01 * published[name]);
    }
  });

  it('ignores customers without repeat purchases, whatever their monetary value', () => {
    const repeaters = [
      { frequency: 1, monetaryValue: 10 },
      { frequency: 3, monetaryValue: 25 },
      { frequency: 2, monetaryValue: 12 },
      { frequency: 5, monetaryValue: 40 },
    ];
    const alone = fitGammaGamma(repeaters);
    const mixed = fitGammaGamma([{ frequency: 0, monetaryValue: 0 }, ...repeaters, { frequency: 0, monetaryValue: -3 }]);
    expect(mixed).toEqual(alone);
    expect(mixed.subjects).toBe(4);
  });

  it('rejects data it cannot fit with readable errors', () => {
    expect(() => fitGammaGamma([])).toThrow(/no customer with frequency > 0/);
    expect(() => fitGammaGamma([{ frequency: 0, monetaryValue: 0 }])).toThrow(/no customer with frequency > 0/);
    expect(() => fitGammaGamma([{ frequency: 2, monetaryValue: 0 }])).toThrow(/monetaryValue must be positive/);
    expect(() => fitGammaGamma([{ frequency: 2, monetaryValue: NaN }])).toThrow(/monetaryValue/);
    expect(() => fitGammaGamma([{ frequency: -1, monetaryValue: 5 }])).toThrow(/frequency/);
  });
});

describe('gammaGammaExpectedValue', () => {
  it('weights the customer’s mean against the population mean (CDNOW customer 1 by hand)', () => {
    // population mean v p / (q − 1) = 15.45 × 6.25 / 2.74 = 35.24179; weight p x / (p x + q − 1) = 12.5 / 15.24
    // = 0.820210; expected value 0.179790 × 35.24179 + 0.820210 × 22.35 = 24.6678
    expect(gammaGammaExpectedValue(published, { frequency: 2, monetaryValue: 22.35 })).toBeCloseTo(24.6678, 4);
  });

  it('is the population mean for a customer without repeat purchases', () => {
    expect(gammaGammaExpectedValue(published, { frequency: 0, monetaryValue: 0 })).toBeCloseTo((15.45 * 6.25) / 2.74, 10);
  });

  it('needs q > 1 and valid inputs', () => {
    expect(() => gammaGammaExpectedValue({ ...published, q: 0.9 }, { frequency: 1, monetaryValue: 5 })).toThrow(/q must exceed 1/);
    expect(() => gammaGammaExpectedValue({ ...published, p: 0 }, { frequency: 1, monetaryValue: 5 })).toThrow(RangeError);
    expect(() => gammaGammaExpectedValue(published, { frequency: 1, monetaryValue: -5 })).toThrow(/monetaryValue/);
    expect(() => gammaGammaExpectedValue(published, { frequency: 0.5, monetaryValue: 5 })).toThrow(/frequency/);
  });
});
