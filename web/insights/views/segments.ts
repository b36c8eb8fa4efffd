import { auth, gql } from '../api';
import { chartCard, el, emptyState, fmt, PALETTE, table } from '../charts';
import { SEGMENTS, type SampleCustomer, type SegmentFeature } from '../operations';
import { customerSample, sampleNote } from '../sample';

interface FeatureInfo { name: string; label: string; of: (c: SampleCustomer) => number | null }
const FEATURES: Record<SegmentFeature, FeatureInfo> = {
  AGE: { name: 'age', label: 'age (years)', of: (c) => c.age },
  ANNUAL_INCOME: { name: 'annualIncome', label: 'annual income', of: (c) => c.annualIncome },
  PURCHASE_FREQUENCY: { name: 'purchaseFrequency', label: 'purchases per 30 days', of: (c) => c.value.purchaseFrequency },
  RECENCY_DAYS: { name: 'recencyDays', label: 'days since last purchase', of: (c) => c.rfm?.recencyDays ?? null },
  FREQUENCY: { name: 'frequency', label: 'purchases', of: (c) => c.value.purchaseCount },
  MONETARY: { name: 'monetary', label: 'total spent', of: (c) => c.value.totalSpent },
};
const PRESETS: Record<string, { label: string; features: SegmentFeature[] }> = {
  profile: { label: 'age, income, purchase frequency (default)', features: ['AGE', 'ANNUAL_INCOME', 'PURCHASE_FREQUENCY'] },
  rfm: { label: 'recency, frequency, monetary', features: ['RECENCY_DAYS', 'FREQUENCY', 'MONETARY'] },
};
const DEFAULT_K = 4;

function select(name: string, value: string, options: [string, string][], onChange: (v: string) => void): HTMLLabelElement {
  const s = el('select', { name });
  for (const [v, label] of options) s.append(el('option', { value: v, ...(v === value ? { selected: '' } : {}) }, label));
  s.addEventListener('change', () => onChange(s.value));
  return el('label', {}, `${name} `, s);
}

export async function segments(root: HTMLElement, params: URLSearchParams, go: (params: Record<string, string>) => void) {
  const k = Math.min(8, Math.max(2, Number(params.get('k')) || DEFAULT_K));
  const presetName = PRESETS[params.get('features') ?? ''] ? params.get('features')! : 'profile';
  const preset = PRESETS[presetName].features;
  const x = (preset.includes(params.get('x') as SegmentFeature) ? params.get('x') : preset[0]) as SegmentFeature;
  const y = (preset.includes(params.get('y') as SegmentFeature) && params.get('y') !== x ? params.get('y') : preset.find((f) => f !== x && f !== preset[0]) ?? preset[1]) as SegmentFeature;
  const state: Record<string, string> = { k: String(k), features: presetName, x, y };
  const change = (p: Record<string, string>) => go({ ...state, ...p });
  const featureOptions = preset.map((f): [string, string] => [f, FEATURES[f].label]);
  root.append(el('div', { class: 'controls' },
    select('k', String(k), [2, 3, 4, 5, 6, 7, 8].map((n): [string, string] => [String(n), String(n)]), (v) => change({ k: v })),
    select('features', presetName, Object.entries(PRESETS).map(([n, p]): [string, string] => [n, p.label]), (v) => change({ features: v, x: '', y: '' })),
    select('x', x, featureOptions, (v) => change({ x: v })),
    select('y', y, featureOptions, (v) => change({ y: v }))));

  const [fit, sample] = await Promise.all([gql(SEGMENTS, { k, features: preset }).catch((e: unknown) => e as Error), customerSample(auth.key())]);
  if (sample.total < k) return emptyState(root, `K-means with k = ${k} needs at least ${k} customers; there ${sample.total === 1 ? 'is 1' : `are ${sample.total}`}.`);
  if (fit instanceof Error) throw fit;
  const seg = fit.segments;
  const order = seg.features;
  const centroidOf = (s: (typeof seg.segments)[number], f: SegmentFeature) => s.centroid.find((c) => c.feature === FEATURES[f].name)?.value ?? s.centroid[order.indexOf(FEATURES[f].name)]?.value ?? 0;

  // The default segmentation is on the graph per customer (Customer.segment); any other is placed by the nearest
  // centroid in the sample's standardized units, as K-means assigns (the model's own scaling is not exposed).
  const exact = presetName === 'profile' && k === DEFAULT_K;
  const stats = preset.map((f) => {
    const v = sample.customers.map(FEATURES[f].of).filter((n): n is number => n != null && Number.isFinite(n));
    const mean = v.reduce((a, b) => a + b, 0) / (v.length || 1);
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length || 1)) || 1;
    return { mean, sd };
  });
  const segmentOf = (c: SampleCustomer): number => {
    if (exact && c.segment) return c.segment.id;
    let best = 0;
    let bestD = Infinity;
    for (const s of seg.segments) {
      let d = 0;
      preset.forEach((f, j) => {
        const v = FEATURES[f].of(c) ?? stats[j].mean;
        d += ((v - centroidOf(s, f)) / stats[j].sd) ** 2;
      });
      if (d < bestD) [best, bestD] = [s.id, d];
    }
    return best;
  };
  const drawn = sample.customers.filter((c) => FEATURES[x].of(c) != null && FEATURES[y].of(c) != null);
  const series = seg.segments.map((s) => ({
    id: `segment-${s.id}`, name: `${s.id}: ${s.label}`, type: 'scatter', symbolSize: 6, itemStyle: { opacity: 0.7, color: PALETTE[s.id % PALETTE.length] },
    data: drawn.filter((c) => segmentOf(c) === s.id).map((c) => ({ value: [FEATURES[x].of(c), FEATURES[y].of(c)], name: c.name, id: c.id })),
  }));
  const centroids = {
    id: 'centroids', name: 'centroids', type: 'scatter', symbol: 'diamond', symbolSize: 18, z: 10,
    itemStyle: { borderColor: '#111', borderWidth: 1.5 },
    data: seg.segments.map((s) => ({ value: [centroidOf(s, x), centroidOf(s, y)], name: s.label, itemStyle: { color: PALETTE[s.id % PALETTE.length] } })),
  };
  const missing = sample.customers.length - drawn.length;
  const layout = el('div', { class: 'grid-side' });
  root.append(layout);
  chartCard(layout, 'segments-scatter', `K-means segments (k = ${k})`, {
    tooltip: { trigger: 'item', formatter: (p: { seriesName: string; name: string; value: number[] }) => `${p.name}<br/>${p.seriesName}<br/>${FEATURES[x].label}: ${fmt.num(p.value[0])}<br/>${FEATURES[y].label}: ${fmt.num(p.value[1])}` },
    // The segment names are in the table beside; the legend keeps to their numbers (a click hides a segment).
    legend: { top: 4, left: 8, formatter: (name: string) => (name === 'centroids' ? name : `segment ${name.split(':')[0]}`) },
    grid: { left: 72, right: 24, top: 56, bottom: 48 },
    xAxis: { type: 'value', name: FEATURES[x].label, nameLocation: 'middle', nameGap: 28, scale: true },
    yAxis: { type: 'value', name: FEATURES[y].label, nameLocation: 'middle', nameGap: 52, scale: true },
    series: [...series, centroids],
  }, {
    height: 440,
    note: `${sampleNote(sample)}; ${drawn.length} drawn${missing ? ` (${missing} without ${FEATURES[x].label} or ${FEATURES[y].label})` : ''}. ` +
      (exact ? 'Colour: each customer\'s segment on the graph.' : 'Colour: nearest centroid (sample-standardized units).') + ' Diamonds: centroids.',
  });
  const side = el('section', { class: 'card' }, el('h2', {}, 'Segments'),
    el('p', { class: 'note' }, `${fmt.int(seg.customers)} customers on ${seg.features.join(', ')}; rules from a shallow decision tree (accuracy ${fmt.pct(seg.segments[0]?.explanation.accuracy, 1)}).`),
    table(['', 'segment', 'size', 'share', 'rules'], seg.segments.map((s) => [
      el('span', { class: 'swatch', style: `background:${PALETTE[s.id % PALETTE.length]}` }), `${s.id}: ${s.label}`, fmt.int(s.size), fmt.pct(s.share, 1),
      el('ul', { class: 'rules' }, ...s.explanation.rules.map((r) => el('li', {}, r))),
    ]), { 'data-table': 'segments' }));
  layout.append(side);
}
