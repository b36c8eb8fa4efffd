import { gql } from '../api';
import { chartCard, el, emptyState, fmt } from '../charts';
import { OVERVIEW_KPIS, OVERVIEW_TRENDS } from '../operations';

/** RFM segments of customers who stopped buying (the "at risk" count) and of lapsed ones (not active). */
export const AT_RISK_RFM = ['At risk', "Can't lose"];
const LAPSED_RFM = [...AT_RISK_RFM, 'Hibernating', 'Lost', 'No purchases'];

export async function overview(root: HTMLElement) {
  const [kpis, trends] = await Promise.all([gql(OVERVIEW_KPIS), gql(OVERVIEW_TRENDS)]);
  const d = { ...kpis, ...trends };
  const total = d.customers.totalCount;
  const count = (groups: string[]) => d.byRfm.filter((r) => groups.includes(r.group)).reduce((n, r) => n + r.customers, 0);
  const revenue = d.byRfm.reduce((n, r) => n + r.revenue, 0);
  const churn = d.byRfm.filter((r) => r.averageChurnRisk != null);
  const churnN = churn.reduce((n, r) => n + r.customers, 0);
  const avgChurn = churnN ? churn.reduce((n, r) => n + r.averageChurnRisk! * r.customers, 0) / churnN : null;
  const kpi = (label: string, value: string, hint: string) => el('div', { class: 'kpi', title: hint }, el('span', { class: 'kpi-value' }, value), el('span', { class: 'kpi-label' }, label));
  root.append(
    el('div', { class: 'kpis' },
      kpi('customers', fmt.int(total), 'All customers (not erased)'),
      kpi('active', fmt.int(total - count(LAPSED_RFM)), 'RFM segments other than At risk, Can\'t lose, Hibernating, Lost and No purchases'),
      kpi('at risk', fmt.int(count(AT_RISK_RFM)), 'RFM segments At risk and Can\'t lose'),
      kpi('revenue', fmt.money(revenue), 'COMPLETED purchases, all time'),
      kpi('average churn risk', fmt.pct(avgChurn, 1), 'BG/NBD: 1 - P(alive), over customers with purchases')),
  );
  if (!total) return emptyState(root, 'No customers yet: import some (npm run import) or start on the demo company.');
  const grid = el('div', { class: 'grid2' });
  root.append(grid);
  const months = d.byMonth;
  if (months.length) {
    chartCard(grid, 'revenue-by-month', 'Revenue per month', {
      tooltip: { trigger: 'axis' },
      legend: { top: 4, left: 8 },
      grid: { left: 64, right: 56, top: 56, bottom: 40 },
      xAxis: { type: 'category', data: months.map((m) => m.group), name: 'month', nameLocation: 'middle', nameGap: 28 },
      yAxis: [{ type: 'value', name: 'revenue' }, { type: 'value', name: 'purchases', splitLine: { show: false } }],
      series: [
        { id: 'revenue', name: 'revenue', type: 'line', data: months.map((m) => Math.round(m.revenue * 100) / 100), areaStyle: { opacity: 0.12 } },
        { id: 'purchases', name: 'purchases', type: 'bar', yAxisIndex: 1, data: months.map((m) => m.purchases), itemStyle: { opacity: 0.35 } },
      ],
    }, { note: 'COMPLETED purchases by month of purchase (analyticsSummary(groupBy: MONTH)).' });
  } else emptyState(grid, 'No purchases yet.');
  const sat = d.satisfaction;
  if (sat.length) {
    chartCard(grid, 'satisfaction-trend', 'Satisfaction trend', {
      tooltip: { trigger: 'axis' },
      legend: { top: 4, left: 8 },
      grid: { left: 56, right: 56, top: 56, bottom: 40 },
      xAxis: { type: 'category', data: sat.map((s) => s.period), name: 'month', nameLocation: 'middle', nameGap: 28 },
      yAxis: [{ type: 'value', name: 'score', min: 1, max: 5 }, { type: 'value', name: 'satisfied', min: 0, max: 1, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` }, splitLine: { show: false } }],
      series: [
        { id: 'score', name: 'average score', type: 'line', data: sat.map((s) => s.averageScore) },
        { id: 'satisfied', name: 'satisfied (4-5)', type: 'line', yAxisIndex: 1, lineStyle: { type: 'dashed' }, data: sat.map((s) => s.satisfiedRatio) },
      ],
    }, { note: 'Feedback scores 1-5 by month (satisfactionSummary).' });
  } else emptyState(grid, 'No feedback yet.');
}
