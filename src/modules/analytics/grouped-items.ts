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
  private items: Int32Array<ArrayBuffer> = new Int32Array(1024);
  private starts: Int32Array<ArrayBuffer> = new Int32Array(256);
  private rows = 0;
  private groups = 0;
  private current: number | null = null;
  private readonly index = new Map<string | number, number>();
  private readonly names: (string | number)[] = [];
  private groupIds: Float64Array<ArrayBuffer> | null;

  constructor(opts: { keepGroupIds?: boolean } = {}) {
    this.groupIds = opts.keepGroupIds ? new Float64Array(256) : null;
  }

  /** Adds one row; rows of one group must come together (ordered by group). */
  add(group: number, item: string | number): void {
    if (group !== this.current) {
      if (this.groups === this.starts.length) this.starts = grow(this.starts);
      if (this.groupIds) {
        if (this.groups === this.groupIds.length) this.groupIds = grow(this.groupIds);
        this.groupIds[this.groups] = group;
      }
      this.starts[this.groups++] = this.rows;
      this.current = group;
    }
    let i = this.index.get(item);
    if (i === undefined) {
      i = this.names.length;
      this.index.set(item, i);
      this.names.push(item);
    }
    if (this.rows === this.items.length) this.items = grow(this.items);
    this.items[this.rows++] = i;
  }

  build(): GroupedItems {
    const starts = new Int32Array(this.groups + 1);
    starts.set(this.starts.subarray(0, this.groups));
    starts[this.groups] = this.rows;
    const out: GroupedItems = { items: this.items.slice(0, this.rows), starts, names: this.names };
    if (this.groupIds) out.groupIds = this.groupIds.slice(0, this.groups);
    return out;
  }
}

function grow<A extends Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer>>(a: A): A {
  const b = new (a.constructor as { new (n: number): A })(a.length * 2);
  b.set(a);
  return b;
}
