import { auth, gql } from '../api';
import { chartCard, el, emptyState, fmt } from '../charts';
import { RFM_SHARES } from '../operations';
import { customerSample, sampleNote } from '../sample';

export async function rfm(root: HTMLElement) {
  const [{ byRfm }, sample] = await Promise.all([gql(RFM_SHARES), customerSample(auth.key())]);
  const scored = sample.customers.filter((c) => c.rfm && c.rfm.r > 0 && c.rfm.f > 0);
  if (!scored.length) return emptyState(root, 'No purchases yet: RFM needs customers who bought.');
  // 5 x 5 cells, every one drawn (an empty cell is a finding too): count, and mean monetary on hover.
  const cells = new Map<string, { n: number; monetary: number }>();
  for (const c of scored) {
    const k = `${c.rfm!.r}:${c.rfm!.f}`;
    const cell = cells.get(k) ?? { n: 0, monetary: 0 };
    cell.n++;
    cell.monetary += c.rfm!.monetary;
    cells.set(k, cell);
  }
  const data: { value: [number, number, number]; monetary: number | null }[] = [];
  for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) {
    const cell = cells.get(`${r}:${f}`);
    data.push({ value: [r - 1, f - 1, cell?.n ?? 0], monetary: cell ? cell.monetary / cell.n : null });
  }
  const max = Math.max(...data.map((d) => d.value[2]));
  const grid = el('div', { class: 'grid2' });
  root.append(grid);
  chartCard(grid, 'rfm-grid', 'Recency x frequency', {
    tooltip: {
      formatter: (p: { data: (typeof data)[number] }) =>
        `R ${p.data.value[0] + 1}, F ${p.data.value[1] + 1}<br/>${p.data.value[2]} customers<br/>mean monetary ${fmt.money(p.data.monetary)}`,
    },
    grid: { left: 72, right: 90, top: 40, bottom: 48 },
    xAxis: { type: 'category', data: ['1', '2', '3', '4', '5'], name: 'R score (5 = bought most recently)', nameLocation: 'middle', nameGap: 28, splitArea: { show: true } },
    yAxis: { type: 'category', data: ['1', '2', '3', '4', '5'], name: 'F score (5 = most purchases)', nameLocation: 'middle', nameGap: 40, splitArea: { show: true } },
    visualMap: { min: 0, max: max || 1, calculable: true, orient: 'vertical', right: 4, top: 'middle', text: ['customers', ''], inRange: { color: ['#f4f7fb', '#2f6db5'] } },
    series: [{ id: 'cells', name: 'customers', type: 'heatmap', data, label: { show: true }, emphasis: { itemStyle: { borderColor: '#111', borderWidth: 1 } } }],
  }, { height: 400, note: `Quintile scores of ${sampleNote(sample)} (${scored.length} with purchases).` });

  const shares = [...byRfm].sort((a, b) => a.customers - b.customers);
  const total = byRfm.reduce((n, r) => n + r.customers, 0);
  chartCard(grid, 'rfm-segments', 'RFM segments', {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: (ps: { name: string; value: number }[]) => `${ps[0].name}: ${ps[0].value} customers (${fmt.pct(ps[0].value / total, 1)})` },
    grid: { left: 130, right: 48, top: 40, bottom: 40 },
    xAxis: { type: 'value', name: 'customers', nameLocation: 'middle', nameGap: 26 },
    yAxis: { type: 'category', data: shares.map((s) => s.group) },
    series: [{ id: 'shares', name: 'customers', type: 'bar', data: shares.map((s) => s.customers), label: { show: true, position: 'right', formatter: (p: { value: number }) => fmt.pct(p.value / total, 0) } }],
  }, { height: 400, note: `All ${fmt.int(total)} customers by named RFM segment (analyticsSummary(groupBy: RFM_SEGMENT)).` });
}
