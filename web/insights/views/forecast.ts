import { auth, gql } from '../api';
import { chartCard, el, emptyState, fmt } from '../charts';
import { DEMAND_FORECAST, FORECAST_TARGETS, SPEND_FORECAST, type Forecast } from '../operations';

/** History and forecast as one line each, the forecast joined to the last observed month. */
export function forecastOption(f: Forecast, unit: string) {
  const months = [...f.history.map((m) => m.month), ...f.months.map((m) => m.month)];
  const history = f.history.map((m) => m.spend);
  const pad = new Array<number | null>(Math.max(0, history.length - 1)).fill(null);
  const ahead = [...pad, ...(history.length ? [history[history.length - 1]] : []), ...f.months.map((m) => Math.round(m.spend * 100) / 100)];
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 4, left: 8 },
    grid: { left: 64, right: 24, top: 56, bottom: 40 },
    xAxis: { type: 'category', data: months, name: 'month', nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'value', name: unit, min: 0 },
    series: [
      { id: 'history', name: 'history', type: 'line', data: history, symbolSize: 5 },
      { id: 'forecast', name: `forecast (${f.trend.toLowerCase()}, r² ${fmt.num(f.r2)})`, type: 'line', data: ahead, lineStyle: { type: 'dashed' }, symbolSize: 5 },
    ],
  };
}

/** The product list and top spenders the pickers offer: read once per tab and key (they change rarely). */
let targets: { key: string | null; promise: ReturnType<typeof gql<NonNullable<(typeof FORECAST_TARGETS)['_data']>, Record<string, never>>> } | null = null;
function forecastTargets() {
  if (targets?.key !== auth.key()) targets = { key: auth.key(), promise: gql(FORECAST_TARGETS) };
  targets.promise.catch(() => (targets = null));
  return targets.promise;
}

export async function forecast(root: HTMLElement, params: URLSearchParams, go: (params: Record<string, string>) => void) {
  const horizon = Math.min(24, Math.max(1, Number(params.get('horizon')) || 6));
  const { products, topCustomers } = await forecastTargets();
  if (!products.nodes.length) return emptyState(root, 'No products yet.');
  const categories = [...new Set(products.nodes.map((p) => p.category))].sort();
  const target = params.get('target') ?? `category:${categories[0]}`;
  const customerId = params.get('customer') ?? topCustomers.nodes[0]?.id ?? '';
  const state = { target, customer: customerId, horizon: String(horizon) };

  const targetSelect = el('select', { name: 'target' },
    el('optgroup', { label: 'categories' }, ...categories.map((c) => el('option', { value: `category:${c}` }, c))),
    el('optgroup', { label: 'products (first 100)' }, ...products.nodes.map((p) => el('option', { value: `product:${p.id}` }, p.name))));
  targetSelect.value = target;
  targetSelect.addEventListener('change', () => go({ ...state, target: targetSelect.value }));
  const customerSelect = el('select', { name: 'customer' }, ...topCustomers.nodes.map((c) => el('option', { value: c.id }, c.name)));
  if (customerId && !topCustomers.nodes.some((c) => c.id === customerId)) customerSelect.append(el('option', { value: customerId }, customerId));
  customerSelect.value = customerId;
  customerSelect.addEventListener('change', () => go({ ...state, customer: customerSelect.value }));
  const horizonInput = el('input', { name: 'horizon', type: 'number', min: '1', max: '24', value: String(horizon) });
  horizonInput.addEventListener('change', () => go({ ...state, horizon: horizonInput.value }));
  root.append(el('div', { class: 'controls' }, el('label', {}, 'demand of ', targetSelect), el('label', {}, 'spend of ', customerSelect), el('label', {}, 'months ahead ', horizonInput)));

  const [kind, id] = [target.slice(0, target.indexOf(':')), target.slice(target.indexOf(':') + 1)];
  const [demand, spend] = await Promise.all([
    gql(DEMAND_FORECAST, { productId: kind === 'product' ? id : null, category: kind === 'category' ? id : null, horizonMonths: horizon }),
    customerId ? gql(SPEND_FORECAST, { id: customerId, horizonMonths: horizon }) : Promise.resolve({ customer: null }),
  ]);
  const grid = el('div', { class: 'grid2' });
  root.append(grid);
  const d = demand.demandForecast;
  const targetName = kind === 'product' ? products.nodes.find((p) => p.id === id)?.name ?? d.target : d.target;
  chartCard(grid, 'demand-forecast', `Demand: ${targetName}`, forecastOption(d, 'units'), {
    note: `Units per month, linear trend (slope ${fmt.num(d.slope)} units/month).${d.insufficientHistory ? ' Too little history for a trustworthy trend.' : ''}`,
  });
  const c = spend.customer;
  if (c) {
    chartCard(grid, 'spend-forecast', `Spend: ${c.name}`, forecastOption(c.forecast, 'spend'), {
      note: `Monthly spend, linear trend (slope ${fmt.num(c.forecast.slope)}/month).${c.forecast.insufficientHistory ? ' Too little history for a trustworthy trend.' : ''}`,
    });
  } else emptyState(grid, 'No customer to forecast.');
}
