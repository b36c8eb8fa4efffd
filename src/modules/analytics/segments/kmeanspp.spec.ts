import { kmeansPlusPlus } from './kmeanspp';
import { toFlatMatrix } from './matrix';
import { seededRandom } from './random';

describe('kmeansPlusPlus', () => {
  it('never starts two centres on the same point: from {0, 0, 10} k = 2 always gives 0 and 10', () => {
    const matrix = toFlatMatrix([[0], [0], [10]]);
    for (let seed = 0; seed < 20; seed++) {
      const centres = Array.from(kmeansPlusPlus(matrix, 2, seededRandom(seed)));
      expect(centres.sort((a, b) => a - b)).toEqual([0, 10]);
    }
  });

  it('picks data rows, the same ones for the same seed', () => {
    const rows = [
      [1, 1],
      [2, 5],
      [8, 3],
      [9, 9],
      [4, 7],
    ];
    const matrix = toFlatMatrix(rows);
    const first = Array.from(kmeansPlusPlus(matrix, 3, seededRandom(42)));
    expect(Array.from(kmeansPlusPlus(matrix, 3, seededRandom(42)))).toEqual(first);
    for (let c = 0; c < 3; c++) {
      expect(rows).toContainEqual(first.slice(c * 2, c * 2 + 2));
    }
  });

  it('rejects k above the number of rows or of distinct rows', () => {
    const matrix = toFlatMatrix([[1, 1], [1, 1], [2, 2]]);
    expect(() => kmeansPlusPlus(matrix, 4, seededRandom(0))).toThrow(RangeError);
    expect(() => kmeansPlusPlus(matrix, 3, seededRandom(0))).toThrow(
      new RangeError('k = 3 exceeds the number of distinct rows (2)'),
    );
  });
});
