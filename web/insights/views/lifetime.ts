import { auth, gql } from '../api';
import { chartCard, el, emptyState, fmt, table } from '../charts';
import { LIFETIME, LIFETIME_MATRIX } from '../operations';
import { customerSample, sampleNote } from '../sample';

const WEEK_MS = 7 * 86_400_000;

export async function lifetime(root: HTMLElement) {
  const [{ lifetimeModel: m, atRiskCustomers }, sample] = await Promise.all([gql(LIFETIME, { first: 20 }), customerSample(auth.key())]);
  const asOf = Date.parse(m.asOf);
  const buyers = sample.customers.filter((c) => c.value.firstPurchaseAt);
  if (!buyers.length || !m.subjects) return emptyState(root, 'No purchases yet: the lifetime model needs purchase histories.');
  const grid = el('div', { class: 'grid2' });
  root.append(grid);

  // The matrix lifetimes draws (plot_probability_alive_matrix): every frequency and recency up to the
  // longest-observed customer, at that customer's age T.
  const T = Math.max(...buyers.map((c) => (asOf - Date.parse(c.value.firstPurchaseAt!)) / WEEK_MS));
  const maxX = Math.min(30, Math.max(1, ...buyers.map((c) => c.value.purchaseCount - 1)));
  const steps = 24;
  const recencies = Array.from({ length: steps + 1 }, (_, i) => (T * i) / steps);
  // The server computes it with the model's own formula (Pareto/NBD by default, or the BG family).
  const { lifetimeModel: { probabilityAliveMatrix: matrix } } = await gql(LIFETIME_MATRIX, { T: Math.max(T, 1e-3), maxFrequency: maxX, steps });
  const cells: [number, number, number][] = [];
  matrix.forEach((row, x) => row.forEach((p, j) => cells.push([j, x, p])));
  chartCard(grid, 'palive-matrix', 'Probability alive by frequency and recency', {
    tooltip: { formatter: (p: { value: [number, number, number] }) => `${p.value[1]} repeat purchases, last at week ${recencies[p.value[0]].toFixed(0)} of ${T.toFixed(0)}<br/>P(alive) ${fmt.pct(p.value[2], 1)}` },
    grid: { left: 64, right: 90, top: 40, bottom: 48 },
    xAxis: { type: 'category', data: recencies.map((t) => t.toFixed(0)), name: `recency: week of the last purchase (T = ${T.toFixed(0)} weeks)`, nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'category', data: Array.from({ length: maxX + 1 }, (_, x) => String(x)), name: 'repeat purchases', nameLocation: 'middle', nameGap: 40, axisLabel: { interval: maxX > 12 ? 1 : 0 } },
    visualMap: { min: 0, max: 1, calculable: true, orient: 'vertical', right: 4, top: 'middle', precision: 2, text: ['P(alive)', ''], inRange: { color: ['#c23b4e', '#f6e8b1', '#3a9d5d'] } },
    series: [{ id: 'palive', name: 'P(alive)', type: 'heatmap', data: cells }],
  }, { height: 400, note: `${m.model.replace('_', '/')} fitted on ${fmt.int(m.subjects)} customers (r ${fmt.num(m.r, 3)}, alpha ${fmt.num(m.alpha, 2)}, `
    + `${m.s != null ? `s ${fmt.num(m.s, 3)}, beta ${fmt.num(m.beta, 2)}` : `a ${fmt.num(m.a, 3)}, b ${fmt.num(m.b, 2)}`}; ${m.timeUnit}s).` });

  const clvs = sample.customers.map((c) => c.lifetime?.clv).filter((v): v is number => v != null && Number.isFinite(v)).sort((a, b) => a - b);
  if (clvs.length) {
    const bins = 20;
    const top = clvs[Math.floor(0.99 * (clvs.length - 1))] || clvs[clvs.length - 1] || 1;
    const width = top / bins;
    const counts = new Array<number>(bins).fill(0);
    for (const v of clvs) counts[Math.min(bins - 1, Math.max(0, Math.floor(v / width)))]++;
    const labels = counts.map((_, i) => (i === bins - 1 ? `${fmt.int(i * width)}+` : `${fmt.int(i * width)}–${fmt.int((i + 1) * width)}`));
    chartCard(grid, 'clv-histogram', 'Customer lifetime value (next 365 days)', {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 56, right: 24, top: 40, bottom: 72 },
      xAxis: { type: 'category', data: labels, name: 'CLV (discounted)', nameLocation: 'middle', nameGap: 56, axisLabel: { rotate: 35 } },
      yAxis: { type: 'value', name: 'customers' },
      series: [{ id: 'clv', name: 'customers', type: 'bar', barCategoryGap: '4%', data: counts }],
    }, { height: 400, note: `${clvs.length} customers of ${sampleNote(sample)}; the last bin holds the top 1%.` });
  }

  const risk = el('section', { class: 'card', 'data-table': 'at-risk' }, el('h2', {}, 'At risk: churn risk x value at stake'));
  if (!atRiskCustomers.length) risk.append(el('p', { class: 'empty' }, 'Nobody at risk.'));
  else risk.append(table(['customer', 'churn risk', 'value at stake', 'next best action', 'why'], atRiskCustomers.map((a) => [
    el('a', { href: `#/customer/${encodeURIComponent(a.customer.id)}`, class: 'customer-name' }, a.customer.name),
    fmt.pct(a.churnRisk, 0), fmt.money(a.value),
    `${a.nextBestAction.kind.replace(/_/g, ' ').toLowerCase()}${a.nextBestAction.channel ? ` by ${a.nextBestAction.channel.toLowerCase()}` : ''}${a.nextBestAction.campaign ? ` (${a.nextBestAction.campaign.name})` : ''}`,
    a.nextBestAction.reason,
  ])));
  root.append(risk);
}
