import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  DatasetComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent, VisualMapComponent,
} from 'echarts/components';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';
import type { EChartsCoreOption, EChartsType } from 'echarts/core';

// Only what the page draws: the bundle stays a fraction of the full ECharts build.
echarts.use([
  BarChart, HeatmapChart, LineChart, ScatterChart, DatasetComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent,
  TooltipComponent, VisualMapComponent, CanvasRenderer, SVGRenderer,
]);

export const PALETTE = ['#2f6db5', '#e07b39', '#3a9d5d', '#c23b4e', '#7d5ba6', '#8c6d46', '#d16ba5', '#5f7d8c', '#b5a12f', '#2fa5a5'];

/** The charts of the view on screen, by id: disposed on navigation, and readable by the browser test. */
const live = new Map<string, { chart: EChartsType; option: EChartsCoreOption }>();

/** Downloads a blob, or a data: URL (ECharts' PNG; not fetched: the page's CSP allows requests to its origin only). */
function download(name: string, data: Blob | string) {
  const a = document.createElement('a');
  a.href = typeof data === 'string' ? data : URL.createObjectURL(data);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  if (typeof data !== 'string') setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** The same option drawn once more by ECharts' SVG renderer (server-side mode, no DOM): a vector file. */
function svgOf(option: EChartsCoreOption, width: number, height: number): string {
  const svg = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  svg.setOption({ ...option, animation: false, backgroundColor: '#fff' });
  const text = svg.renderToSVGString();
  svg.dispose();
  return text;
}

/** A chart card: title, PNG and SVG buttons, an optional note, and the chart (canvas on screen). */
export function chartCard(parent: HTMLElement, id: string, title: string, option: EChartsCoreOption, opts: { note?: string; height?: number } = {}): HTMLElement {
  const png = el('button', { type: 'button', class: 'save', 'data-save': 'png', title: 'Save as PNG' }, 'PNG');
  const svg = el('button', { type: 'button', class: 'save', 'data-save': 'svg', title: 'Save as SVG' }, 'SVG');
  const card = el('section', { class: 'card chart-card', 'data-chart': id }, el('div', { class: 'card-head' }, el('h2', {}, title), el('span', { class: 'saves' }, png, svg)));
  if (opts.note) card.append(el('p', { class: 'note' }, opts.note));
  const box = el('div', { class: 'chart', style: `height:${opts.height ?? 320}px` });
  card.append(box);
  parent.append(card);
  const chart = echarts.init(box, null, { renderer: 'canvas' });
  const full: EChartsCoreOption = { color: PALETTE, animationDuration: 300, textStyle: { fontFamily: 'system-ui, sans-serif' }, ...option };
  chart.setOption(full);
  live.set(id, { chart, option: full });
  png.addEventListener('click', () => {
    download(`caregraph-${id}.png`, chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' }));
  });
  svg.addEventListener('click', () => download(`caregraph-${id}.svg`, new Blob([svgOf(full, box.clientWidth, box.clientHeight)], { type: 'image/svg+xml' })));
  return card;
}

export function disposeCharts() {
  for (const { chart } of live.values()) chart.dispose();
  live.clear();
}

window.addEventListener('resize', () => {
  for (const { chart } of live.values()) chart.resize();
});

/** For the browser test: each live chart's series as plain data (what was drawn). */
export function describeCharts(): Record<string, { type: string; name?: string; data: unknown[] }[]> {
  const out: Record<string, { type: string; name?: string; data: unknown[] }[]> = {};
  for (const [id, { chart }] of live) {
    const series = (chart.getOption() as { series?: { type: string; name?: string; data?: unknown[] }[] }).series ?? [];
    out[id] = JSON.parse(JSON.stringify(series.map((s) => ({ type: s.type, name: s.name, data: s.data ?? [] }))));
  }
  return out;
}

type Child = Node | string | number | null | undefined | false;

/** A tiny element builder (text is always set as text, never as HTML: names come from the API). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(typeof c === 'number' ? String(c) : c);
  return e;
}

export function table(headers: string[], rows: Child[][], attrs: Record<string, string> = {}): HTMLTableElement {
  return el('table', attrs, el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', {}, h)))), el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, c))))));
}

const money = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const money2 = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export const fmt = {
  int: (n: number) => money.format(n),
  money: (n: number | null | undefined) => (n == null ? '–' : money2.format(n)),
  pct: (n: number | null | undefined, digits = 0) => (n == null ? '–' : `${(n * 100).toFixed(digits)}%`),
  num: (n: number | null | undefined, digits = 2) => (n == null ? '–' : n.toFixed(digits)),
};

export function emptyState(parent: HTMLElement, text: string) {
  parent.append(el('p', { class: 'empty', 'data-empty': '' }, text));
}
