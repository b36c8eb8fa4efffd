/** Rows of numbers copied into one row-major Float64Array, the layout the hot loops read. */
export interface FlatMatrix {
  data: Float64Array;
  rows: number;
  columns: number;
}

/**
 * Checks that `rows` is a non-empty rectangular table of finite numbers and flattens it.
 * @param rows - one array of feature values per customer
 * @param name - how the argument is called in error messages
 */
export function toFlatMatrix(rows: ReadonlyArray<ReadonlyArray<number>>, name = 'rows'): FlatMatrix {
  if (!Array.isArray(rows)) {
    throw new TypeError(`${name} must be an array of rows`);
  }
  if (rows.length === 0) {
    throw new RangeError(`${name} must not be empty`);
  }
  const first = rows[0];
  if (!Array.isArray(first) || first.length === 0) {
    throw new RangeError(`${name}[0] must be a non-empty array of numbers`);
  }
  const columns = first.length;
  const data = new Float64Array(rows.length * columns);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!Array.isArray(row) || row.length !== columns) {
      throw new RangeError(`${name}[${i}] must have ${columns} values like ${name}[0]`);
    }
    for (let j = 0; j < columns; j++) {
      const value = row[j];
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new TypeError(`${name}[${i}][${j}] must be a finite number, got ${String(value)}`);
      }
      data[i * columns + j] = value;
    }
  }
  return { data, rows: rows.length, columns };
}
