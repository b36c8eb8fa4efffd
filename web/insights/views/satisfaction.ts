import { gql } from '../api';
import { chartCard, el, emptyState } from '../charts';
import { SATISFACTION } from '../operations';

const TREND_MARK: Record<string, string> = { RISING: '▲ rising', FALLING: '▼ falling', STEADY: '• steady' };

export async function satisfaction(root: HTMLElement) {
  const { satisfaction: months, painPoints } = await gql(SATISFACTION);
  if (!months.length) return emptyState(root, 'No feedback yet.');
  const grid = el('div', { class: 'grid2' });
  root.append(grid);
  chartCard(grid, 'score-by-month', 'Score by month', {
    tooltip: { trigger: 'axis' },
    legend: { top: 4, left: 8 },
    grid: { left: 56, right: 56, top: 56, bottom: 40 },
    xAxis: { type: 'category', data: months.map((m) => m.period), name: 'month', nameLocation: 'middle', nameGap: 28 },
    yAxis: [{ type: 'value', name: 'average score', min: 1, max: 5 }, { type: 'value', name: 'feedback', splitLine: { show: false } }],
    series: [
      { id: 'score', name: 'average score', type: 'line', data: months.map((m) => (m.averageScore == null ? null : Math.round(m.averageScore * 100) / 100)) },
      { id: 'count', name: 'feedback', type: 'bar', yAxisIndex: 1, itemStyle: { opacity: 0.35 }, data: months.map((m) => m.feedbackCount) },
    ],
  }, { height: 380, note: 'Average score (1-5) and how much feedback came in, by month.' });
  if (!painPoints.length) return emptyState(grid, 'No pain points: no unsatisfied feedback with an issue.');
  const ranked = [...painPoints].reverse();
  chartCard(grid, 'pain-points', 'Pain points, ranked', {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 4, left: 8 },
    grid: { left: 150, right: 40, top: 56, bottom: 40 },
    xAxis: { type: 'value', name: 'unsatisfied feedback (score <= 2)', nameLocation: 'middle', nameGap: 26 },
    yAxis: { type: 'category', data: ranked.map((p) => `${p.issue.toLowerCase()} ${TREND_MARK[p.trend] ?? p.trend}`) },
    series: [
      { id: 'all', name: 'all time', type: 'bar', data: ranked.map((p) => p.count) },
      { id: 'recent', name: 'last 30 days', type: 'bar', data: ranked.map((p) => p.recentCount) },
      { id: 'previous', name: '30 days before', type: 'bar', data: ranked.map((p) => p.previousCount) },
    ],
  }, { height: 380, note: 'Trend: the last 30 days against the 30 before.' });
}
