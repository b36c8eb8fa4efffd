import { ApiError, gql } from '../api';
import { chartCard, el, emptyState, fmt, table } from '../charts';
import { RULES, type Rule, type RuleArgs } from '../operations';

/** The API's bounds: maxLength 2..10, a rule seen in >= 5 baskets; 150 rules keep the query under the default MAX_COST. */
// step 0: any value (a fixed step would make the browser refuse thresholds such as 0.005).
const FIELDS: { name: keyof RuleArgs; label: string; min: number; max: number; step: number; fallback: number }[] = [
  { name: 'minSupport', label: 'min support', min: 0.0001, max: 1, step: 0, fallback: 0.005 },
  { name: 'minConfidence', label: 'min confidence', min: 0, max: 1, step: 0, fallback: 0.2 },
  { name: 'minLift', label: 'min lift', min: 0, max: 1000, step: 0, fallback: 1 },
  { name: 'maxLength', label: 'max items', min: 2, max: 10, step: 1, fallback: 3 },
  { name: 'first', label: 'rules shown', min: 1, max: 150, step: 1, fallback: 100 },
];

const items = (xs: { name: string }[]) => xs.map((i) => i.name).join(' + ');

export async function rules(root: HTMLElement, params: URLSearchParams, go: (params: Record<string, string>) => void) {
  const args = { level: params.get('level') === 'CATEGORY' ? 'CATEGORY' : 'PRODUCT' } as RuleArgs;
  for (const f of FIELDS) {
    const v = Number(params.get(f.name));
    (args as unknown as Record<string, number>)[f.name] = params.has(f.name) && Number.isFinite(v) ? Math.min(f.max, Math.max(f.min, v)) : f.fallback;
  }
  const form = el('form', { class: 'controls' });
  for (const f of FIELDS) {
    form.append(el('label', {}, `${f.label} `, el('input', { name: f.name, type: 'number', min: String(f.min), max: String(f.max), step: f.step ? String(f.step) : 'any', value: String(args[f.name]) })));
  }
  const level = el('select', { name: 'level' }, el('option', { value: 'PRODUCT' }, 'products'), el('option', { value: 'CATEGORY' }, 'categories'));
  level.value = args.level;
  form.append(el('label', {}, 'items ', level), el('button', { type: 'submit' }, 'Mine'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go(Object.fromEntries([...new FormData(form).entries()].map(([k, v]) => [k, String(v)])));
  });
  root.append(form);

  let data;
  try {
    data = (await gql(RULES, args)).associationRules;
  } catch (e) {
    // Thresholds outside what the API accepts come back with the API's own explanation, beside the form.
    if (e instanceof ApiError && (e.code === 'BAD_USER_INPUT' || e.code === 'ANALYTICS_LIMIT' || e.code === 'QUERY_TOO_COSTLY')) return void root.append(el('p', { class: 'error', 'data-error': '' }, e.message));
    throw e;
  }
  const rs = data.rules;
  if (!data.transactionCount) return emptyState(root, 'No purchases yet: association rules are mined from baskets.');
  root.append(el('p', { class: 'note' }, `${fmt.int(data.totalCount)} rules pass the thresholds over ${fmt.int(data.transactionCount)} baskets (${fmt.int(data.itemsetCount)} frequent itemsets); the ${rs.length} of highest lift are shown.`));
  if (!rs.length) return emptyState(root, 'No rule passes these thresholds: lower min support or min confidence.');
  const maxLift = Math.max(...rs.map((r) => r.lift));
  chartCard(root, 'rules-scatter', 'Support vs confidence, sized and coloured by lift', {
    tooltip: { formatter: (p: { data: { rule: string; value: number[] } }) => `${p.data.rule}<br/>support ${fmt.pct(p.data.value[0], 2)}, confidence ${fmt.pct(p.data.value[1], 1)}, lift ${fmt.num(p.data.value[2])}` },
    grid: { left: 64, right: 110, top: 40, bottom: 48 },
    xAxis: { type: 'value', name: 'support', nameLocation: 'middle', nameGap: 28, scale: true },
    yAxis: { type: 'value', name: 'confidence', nameLocation: 'middle', nameGap: 44, scale: true },
    visualMap: { dimension: 2, min: Math.min(1, ...rs.map((r) => r.lift)), max: maxLift, right: 8, top: 'middle', text: ['lift', ''], calculable: true, precision: 1, inRange: { color: ['#9ec5e8', '#e07b39', '#c23b4e'] } },
    series: [{
      id: 'rules', name: 'rules', type: 'scatter',
      symbolSize: (v: number[]) => 6 + 18 * Math.sqrt(v[2] / maxLift),
      data: rs.map((r) => ({ value: [r.support, r.confidence, r.lift], rule: `${items(r.antecedent)} ⇒ ${items(r.consequent)}` })),
    }],
  }, { height: 380 });

  const filter = el('input', { type: 'search', placeholder: 'filter by item', 'aria-label': 'filter rules by item' });
  const body = el('div');
  const draw = () => {
    const q = filter.value.trim().toLowerCase();
    const shown = q ? rs.filter((r) => items([...r.antecedent, ...r.consequent]).toLowerCase().includes(q)) : rs;
    body.replaceChildren(table(['if bought', 'then also', 'support', 'confidence', 'lift', 'baskets'], shown.map((r: Rule) => [
      items(r.antecedent), items(r.consequent), fmt.pct(r.support, 2), fmt.pct(r.confidence, 1), fmt.num(r.lift), fmt.int(r.count),
    ]), { 'data-table': 'rules' }));
  };
  filter.addEventListener('input', draw);
  draw();
  root.append(el('section', { class: 'card' }, el('h2', {}, 'Rules'), filter, body));
}
