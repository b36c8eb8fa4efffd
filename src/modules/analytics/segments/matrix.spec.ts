import { toFlatMatrix } from './matrix';

describe('toFlatMatrix', () => {
  it('copies rows into one row-major Float64Array', () => {
    const matrix = toFlatMatrix([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(Array.from(matrix.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(matrix.rows).toBe(3);
    expect(matrix.columns).toBe(2);
  });

  it('rejects empty, ragged and non-finite input with the offending position', () => {
    expect(() => toFlatMatrix([])).toThrow(new RangeError('rows must not be empty'));
    expect(() => toFlatMatrix([[]])).toThrow(RangeError);
    expect(() => toFlatMatrix([[1, 2], [3]])).toThrow(new RangeError('rows[1] must have 2 values like rows[0]'));
    expect(() => toFlatMatrix([[1, 2], [3, Number.NaN]])).toThrow(
      new TypeError('rows[1][1] must be a finite number, got NaN'),
    );
    expect(() => toFlatMatrix([[Infinity]])).toThrow(TypeError);
    expect(() => toFlatMatrix([['1' as unknown as number]])).toThrow(TypeError);
    expect(() => toFlatMatrix('rows' as unknown as number[][])).toThrow(TypeError);
  });
});
