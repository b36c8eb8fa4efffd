import { gql } from '../api';
import { chartCard, el, emptyState, fmt, table } from '../charts';
import { CUSTOMER_360, CUSTOMER_PICKER } from '../operations';
import { forecastOption } from './forecast';

function facts(title: string, rows: [string, string][]): HTMLElement {
  return el('section', { class: 'card facts' }, el('h2', {}, title), el('dl', {}, ...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])));
}

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '–');

export async function customer(root: HTMLElement, params: URLSearchParams, go: (params: Record<string, string>) => void, id: string | undefined) {
  const picker = el('form', { class: 'controls' });
  const input = el('input', { name: 'id', placeholder: 'customer id, e.g. Q3VzdG9tZXI6MQ==', value: id ?? '', size: '28' });
  picker.append(el('label', {}, 'customer ', input), el('button', { type: 'submit' }, 'Show'));
  picker.addEventListener('submit', (e) => {
    e.preventDefault();
    if (input.value.trim()) location.hash = `#/customer/${encodeURIComponent(input.value.trim())}`;
  });
  root.append(picker);
  if (!id) {
    const { customers } = await gql(CUSTOMER_PICKER);
    if (!customers.nodes.length) return emptyState(root, 'No customers yet.');
    root.append(el('section', { class: 'card' }, el('h2', {}, 'Top customers by spend'),
      table(['customer', 'spent'], customers.nodes.map((c) => [el('a', { href: `#/customer/${encodeURIComponent(c.id)}`, class: 'customer-name' }, c.name), fmt.money(c.value.totalSpent)]), { 'data-table': 'customers' })));
    return;
  }
  const { customer: c } = await gql(CUSTOMER_360, { id });
  if (!c) return emptyState(root, `No customer ${id}.`);
  root.append(el('h2', { class: 'customer-title' }, el('span', { class: 'customer-name', 'data-customer-name': '' }, c.name),
    el('small', {}, [c.city, c.country].filter(Boolean).join(', ') || ' ')));
  const v = c.value;
  root.append(el('div', { class: 'grid4' },
    facts('Value', [['spent', fmt.money(v.totalSpent)], ['purchases', String(v.purchaseCount)], ['average order', fmt.money(v.averageOrderValue)], ['tier', v.tier], ['first / last', `${day(v.firstPurchaseAt)} / ${day(v.lastPurchaseAt)}`]]),
    facts('RFM', c.rfm ? [['segment', c.rfm.segment], ['code', c.rfm.code], ['recency', `${c.rfm.recencyDays ?? '–'} days`], ['frequency', String(c.rfm.frequency)], ['monetary', fmt.money(c.rfm.monetary)]] : [['segment', 'no purchases']]),
    facts('Lifetime (365 days)', c.lifetime ? [['P(alive)', fmt.pct(c.lifetime.probabilityAlive, 1)], ['churn risk', fmt.pct(c.lifetime.churnRisk, 1)], ['expected purchases', fmt.num(c.lifetime.expectedPurchases)], ['CLV', fmt.money(c.lifetime.clv)]] : [['model', 'no purchases']]),
    facts('Segment & satisfaction', [['segment', c.segment ? `${c.segment.id}: ${c.segment.label}` : '–'], ['feedback', String(c.satisfaction.feedbackCount)], ['average score', fmt.num(c.satisfaction.averageScore, 1)], ['satisfied', fmt.pct(c.satisfaction.satisfiedRatio)], ['pain points', c.satisfaction.painPoints.join(', ') || 'none']])));
  const grid = el('div', { class: 'grid2' });
  root.append(grid);
  chartCard(grid, 'customer-spend', 'Spend and forecast', forecastOption(c.forecast, 'spend'), { note: c.forecast.insufficientHistory ? 'Too little history for a trustworthy trend.' : undefined });
  grid.append(el('section', { class: 'card', 'data-table': 'recommendations' }, el('h2', {}, 'Recommendations'),
    c.recommendations.length
      ? table(['product', 'category', 'price', 'why'], c.recommendations.map((r) => [r.product.name, r.product.category, fmt.money(r.product.price), r.reason]))
      : el('p', { class: 'empty' }, 'Nothing to recommend.')));
  root.append(el('section', { class: 'card', 'data-table': 'timeline' }, el('h2', {}, 'Timeline (latest 20)'),
    c.timeline.nodes.length
      ? table(['when', 'what', ''], c.timeline.nodes.map((t) => [t.occurredAt.slice(0, 16).replace('T', ' '), t.kind.replace(/_/g, ' ').toLowerCase(), t.summary]))
      : el('p', { class: 'empty' }, 'Nothing yet.')));
  void params;
  void go;
}
