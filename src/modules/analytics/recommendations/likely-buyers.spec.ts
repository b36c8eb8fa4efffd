import { fitCollaborative, type CollaborativeModel } from './collaborative';
import { decodeLikelyBuyers, encodeLikelyBuyers, likelyBuyers, type LikelyBuyersTable } from './likely-buyers';

/** The definition, customer by customer and item by item (what the table must equal). */
function reference(model: CollaborativeModel, histories: number[][], ids: number[], first: number, sources: number) {
  const out: { id: number; score: number; because: number }[][] = [];
  for (let t = 0; t < model.itemCount; t++) {
    const into: { source: number; weight: number }[] = [];
    for (let s = 0; s < model.itemCount; s++) {
      for (let k = model.neighbourStart[s]; k < model.neighbourStart[s + 1]; k++) {
        if (model.neighbours[k] === t && model.weights[k] > 0) into.push({ source: s, weight: model.weights[k] });
      }
    }
    into.sort((x, y) => y.weight - x.weight || x.source - y.source);
    const top = into.slice(0, sources);
    const scored = histories.flatMap((h, c) => {
      if (h.includes(t)) return [];
      const hits = top.filter((x) => h.includes(x.source));
      return hits.length ? [{ id: ids[c], score: hits.reduce((sum, x) => sum + x.weight, 0), because: hits[0].source }] : [];
    });
    out.push(scored.sort((x, y) => y.score - x.score || x.id - y.id).slice(0, first));
  }
  return out;
}

function rowsOf(histories: number[][], ids: number[]) {
  const starts = new Int32Array(histories.length + 1);
  histories.forEach((h, r) => (starts[r + 1] = starts[r] + h.length));
  return { items: Int32Array.from(histories.flat()), starts, groupIds: Float64Array.from(ids) };
}

const listOf = (t: LikelyBuyersTable, item: number) =>
  Array.from({ length: t.starts[item + 1] - t.starts[item] }, (_, k) => {
    const e = t.starts[item] + k;
    return { id: t.customerIds[e], score: t.scores[e], because: t.because[e] };
  });

describe('likelyBuyers', () => {
  test('scores, reasons and ties as defined, on a hand-made model', () => {
    // Items 0..3. 0 -> 2 (0.5), 1 -> 2 (0.5), 3 -> 2 (0.25), 0 -> 3 (0.4); a zero weight is no source.
    const model: CollaborativeModel = {
      strategy: 'ITEM_KNN', itemCount: 4, rows: 5, buyers: Int32Array.from([3, 2, 1, 1]),
      neighbourStart: Int32Array.from([0, 2, 4, 4, 5]), neighbours: Int32Array.from([2, 3, 2, 0, 2]), weights: Float32Array.from([0.5, 0.4, 0.5, 0, 0.25]),
    };
    const histories = [[0], [1], [0, 1], [0, 2], [3]];
    const ids = [50, 40, 30, 20, 10];
    const t = likelyBuyers(model, { ...rowsOf(histories, ids), itemCount: 4 }, { first: 3, sources: 2 });
    // Item 2's two strongest sources are 0 and 1 (0.5 each, tie to the lower index); 3 is beyond `sources`.
    expect(listOf(t, 2)).toEqual([{ id: 30, score: 1, because: 0 }, { id: 40, score: 0.5, because: 1 }, { id: 50, score: 0.5, because: 0 }]);
    // Customer 20 bought item 2 already; customer 10 only bought 3, no source of 2 within the first two.
    expect(listOf(t, 3).map((b) => b.id)).toEqual([20, 30, 50]);
    expect(listOf(t, 0)).toEqual([]);
  });

  test('equals the definition on a fitted model (random purchase histories, many ties)', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const histories = Array.from({ length: 400 }, () => [...new Set(Array.from({ length: 1 + Math.floor(random() * 5) }, () => Math.floor(random() * 30)))].sort((a, b) => a - b));
    const ids = histories.map((_, i) => 1000 + ((i * 7919) % 400));
    const rows = { ...rowsOf(histories, ids), itemCount: 30 };
    for (const strategy of ['EASE', 'ITEM_KNN'] as const) {
      const model = fitCollaborative(rows, { strategy, neighbours: 10 });
      const t = likelyBuyers(model, rows, { first: 15, sources: 4 });
      const want = reference(model, histories, ids, 15, 4);
      for (let item = 0; item < 30; item++) {
        const got = listOf(t, item);
        expect(got.map((g) => [g.id, g.because])).toEqual(want[item].map((w) => [w.id, w.because]));
        got.forEach((g, k) => expect(g.score).toBeCloseTo(want[item][k].score, 5));
      }
    }
  });

  test('survives encoding and refuses an inconsistent table', () => {
    const rows = { ...rowsOf([[0, 1], [1, 2], [0, 2]], [1, 2, 3]), itemCount: 3 };
    const t = likelyBuyers(fitCollaborative(rows, { strategy: 'ITEM_KNN' }), rows, { first: 2, sources: 2 });
    const e = encodeLikelyBuyers(t);
    expect(decodeLikelyBuyers(e, 3)).toEqual(t);
    expect(() => decodeLikelyBuyers(e, 4)).toThrow(RangeError);
  });
});
