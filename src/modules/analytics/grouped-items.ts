/**
 * (group, item) rows packed as they stream in, in group order, into the compact form the fit jobs take: each
 * item as a dense index (`names[index]` is the item), the rows of group g at items[starts[g] .. starts[g + 1]).
 * Baskets (purchase -> products) and purchase histories (customer -> products) at a million customers are
 * ten million rows: typed arrays hold them in 4 bytes a row, where an object per row took about 70.
 * `starts` always ends with the row count ([0] when there are no rows).
 */
export interface GroupedItems {
  items: Int32Array;
  starts: Int32Array;
  names: (string | number)[];
  /** The group (customer or purchase id) of each group, when the builder was asked to keep them. */
  groupIds?: Float64Array;
}

export class GroupedItemsBuilder {
  private readonly items = new IntColumn();
  private readonly starts = new IntColumn();
  private current: number | null = null;
  private readonly index = new Map<string | number, number>();
  private readonly names: (string | number)[] = [];
  private readonly groupIds: IntColumn | null;

  constructor(opts: { keepGroupIds?: boolean } = {}) {
    this.groupIds = opts.keepGroupIds ? new IntColumn() : null;
  }

  /** Adds one row; `group` is an integer id (int32) when group ids are kept; rows of one group must come together (ordered by group). */
  add(group: number, item: string | number): void {
    if (group !== this.current) {
      this.starts.push(this.items.length);
      if (this.groupIds) {
        // Kept in an Int32 column: an id beyond it would wrap silently into another customer's.
        if (!(Number.isInteger(group) && group >= -0x80000000 && group <= 0x7fffffff)) throw new RangeError(`group id ${group} is not a 32-bit integer`);
        this.groupIds.push(group);
      }
      this.current = group;
    }
    let i = this.index.get(item);
    if (i === undefined) {
      i = this.names.length;
      this.index.set(item, i);
      this.names.push(item);
    }
    this.items.push(i);
  }

  build(): GroupedItems {
    const out: GroupedItems = { items: this.items.toArray(), starts: this.starts.toArray(this.items.length), names: this.names };
    if (this.groupIds) out.groupIds = Float64Array.from(this.groupIds.toArray());
    return out;
  }
}

/**
 * Int32 values appended in blocks of BLOCK: growing never copies what is already there (doubling one array
 * copied 40 MB at once at ten million rows, in the middle of a read, on the event loop).
 */
class IntColumn {
  private static readonly BLOCK = 1 << 16;
  private readonly full: Int32Array[] = [];
  private block = new Int32Array(IntColumn.BLOCK);
  private used = 0;
  /** Values pushed so far. */
  length = 0;

  push(v: number): void {
    if (this.used === IntColumn.BLOCK) {
      this.full.push(this.block);
      this.block = new Int32Array(IntColumn.BLOCK);
      this.used = 0;
    }
    this.block[this.used++] = v;
    this.length++;
  }

  /** The values in one array, and `last` after them when given. */
  toArray(last?: number): Int32Array<ArrayBuffer> {
    const out = new Int32Array(this.length + (last === undefined ? 0 : 1));
    let at = 0;
    for (const b of this.full) {
      out.set(b, at);
      at += b.length;
    }
    out.set(this.block.subarray(0, this.used), at);
    if (last !== undefined) out[this.length] = last;
    return out;
  }
}
