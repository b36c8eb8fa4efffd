import { decodeCollaborative, encodeCollaborative, fitCollaborative, invertSpd, scoreCollaborative, type CollaborativeModel } from './collaborative';

const rowsOf = (customers: number[][], itemCount: number) => {
  const starts = [0];
  for (const c of customers) starts.push(starts[starts.length - 1] + c.length);
  return { items: Int32Array.from(customers.flat()), starts: Int32Array.from(starts), itemCount };
};

/** Item i's neighbours as [j, weight] pairs. */
const neighboursOf = (m: CollaborativeModel, i: number) =>
  Array.from(m.neighbours.subarray(m.neighbourStart[i], m.neighbourStart[i + 1]), (j, t) => [j, m.weights[m.neighbourStart[i] + t]]);

describe('invertSpd', () => {
  it('inverts a symmetric positive definite matrix', () => {
    // [[4, 2], [2, 3]]^-1 = [[3, -2], [-2, 4]] / 8
    const inv = invertSpd(Float64Array.from([4, 2, 2, 3]), 2);
    [3 / 8, -2 / 8, -2 / 8, 4 / 8].forEach((v, i) => expect(inv[i]).toBeCloseTo(v, 14));
    const a = Float64Array.from([4, 1, 2, 1, 5, 3, 2, 3, 6]);
    const b = invertSpd(a, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let t = 0; t < 3; t++) s += a[i * 3 + t] * b[t * 3 + j];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(() => invertSpd(Float64Array.from([1, 2, 2, 1]), 2)).toThrow('not positive definite');
  });
});

describe('fitCollaborative', () => {
  it('EASE: B_ij = -P_ij / P_jj with P = (X\'X + lambda I)^-1', () => {
    // X'X = [[3, 2], [2, 2]]; + I = [[4, 2], [2, 3]]; P = [[3, -2], [-2, 4]] / 8
    // B_01 = (2/8) / (4/8) = 1/2, B_10 = (2/8) / (3/8) = 2/3
    const m = fitCollaborative(rowsOf([[0, 1], [0], [0, 1]], 2), { strategy: 'EASE', lambda: 1 });
    expect(m.strategy).toBe('EASE');
    expect(Array.from(m.buyers)).toEqual([3, 2]);
    expect(m.rows).toBe(3);
    expect(neighboursOf(m, 0)[0][0]).toBe(1);
    expect(neighboursOf(m, 0)[0][1]).toBeCloseTo(1 / 2, 6);
    expect(neighboursOf(m, 1)[0][0]).toBe(0);
    expect(neighboursOf(m, 1)[0][1]).toBeCloseTo(2 / 3, 6);
  });

  it('ITEM_KNN: c_ij / (n_i^alpha n_j^(1 - alpha) + shrink)', () => {
    // n = [3, 3, 1]; c01 = 2, c12 = 1
    const rows = rowsOf([[0, 1], [0], [0, 1], [1, 2]], 3);
    const cosine = fitCollaborative(rows, { strategy: 'ITEM_KNN', alpha: 0.5, shrink: 0 });
    expect(neighboursOf(cosine, 0)).toEqual([[1, Math.fround(2 / 3)]]);
    expect(neighboursOf(cosine, 1)).toEqual([[0, Math.fround(2 / 3)], [2, Math.fround(1 / Math.sqrt(3))]]);
    expect(neighboursOf(cosine, 2)).toEqual([[1, Math.fround(1 / Math.sqrt(3))]]);
    const conditional = fitCollaborative(rows, { strategy: 'ITEM_KNN', alpha: 1, shrink: 1 });
    expect(neighboursOf(conditional, 0)).toEqual([[1, 2 / 4]]);
    expect(neighboursOf(conditional, 1)).toEqual([[0, 2 / 4], [2, 1 / 4]]);
    expect(neighboursOf(conditional, 2)).toEqual([[1, 1 / 2]]);
  });

  it('keeps only the strongest neighbours (ties to the lower item)', () => {
    const rows = rowsOf([[1, 0, 2], [1, 2], [3, 1]], 4);
    const m = fitCollaborative(rows, { strategy: 'ITEM_KNN', alpha: 1, shrink: 0, neighbours: 2 });
    // from item 1 (3 buyers): 2 with 2/3, 0 and 3 with 1/3 each: 0 wins the tie
    expect(neighboursOf(m, 1)).toEqual([[2, Math.fround(2 / 3)], [0, Math.fround(1 / 3)]]);
  });

  it('falls back to item-kNN above EASE_MAX_ITEMS and checks its input', () => {
    expect(fitCollaborative(rowsOf([[0, 1600]], 1601), { strategy: 'EASE' }).strategy).toBe('ITEM_KNN');
    expect(() => fitCollaborative(rowsOf([[0, 5]], 3))).toThrow(RangeError);
    expect(() => fitCollaborative(rowsOf([[0]], 1), { neighbours: 0 })).toThrow(RangeError);
    expect(() => fitCollaborative({ items: Int32Array.of(0), starts: Int32Array.of(0, 2), itemCount: 1 })).toThrow(RangeError);
  });
});

describe('scoreCollaborative', () => {
  const m = fitCollaborative(rowsOf([[0, 1], [0], [0, 1], [1, 2]], 3), { strategy: 'ITEM_KNN', alpha: 1, shrink: 1 });

  it('sums the weights from the bought items, names the strongest contributor and leaves bought items out', () => {
    // bought 0 and 2: item 1 gets w(0,1) + w(2,1) = 1/2 + 1/2, both equal: the lower item is "because"
    expect(scoreCollaborative(m, [0, 2], 5)).toEqual([{ item: 1, score: 1, because: 0 }]);
    // bought 1: 0 (1/2) then 2 (1/4)
    expect(scoreCollaborative(m, [1], 5)).toEqual([{ item: 0, score: 0.5, because: 1 }, { item: 2, score: 0.25, because: 1 }]);
    expect(scoreCollaborative(m, [1], 1)).toEqual([{ item: 0, score: 0.5, because: 1 }]);
    expect(scoreCollaborative(m, [0, 1], 5, false).map((s) => s.item)).toEqual([0, 1, 2]);
    expect(scoreCollaborative(m, [], 5)).toEqual([]);
  });

  it('survives an encode / decode round trip (JSON for the model store)', () => {
    const back = decodeCollaborative(JSON.parse(JSON.stringify(encodeCollaborative(m))));
    expect(back).toEqual(m);
  });
});
