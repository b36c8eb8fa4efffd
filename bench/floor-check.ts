import { CUSTOMER_PAGE } from './queries';
import type { ServerProcess } from './servers';
import { graphql } from './util';

/**
 * Does the workload-1 floor answer what CareGraph answers? Both pages are fetched back to back and compared
 * value for value. One field cannot be equal to the bit: value.purchaseFrequency divides by the tenure up to
 * the request's own clock (milliseconds), so two requests a moment apart differ in its ninth digit; it is
 * compared to a relative 1e-6 (a day of tenure moves it by more than that). Everything else must be equal,
 * the analytics computed "as of this minute" too: the pair is fetched again when a minute turned in between.
 */
export interface FloorPageCheck {
  matches: boolean;
  /** The first differences found (path: CareGraph's value vs the floor's), or why there was nothing to compare. */
  differences: string[];
  /** Largest relative difference of purchaseFrequency between the two responses. */
  purchaseFrequencyRelDiff: number;
}

const CLOCK_FIELD = 'purchaseFrequency';
const CLOCK_TOLERANCE = 1e-6;
const SHOWN = 10;

export async function checkFloorPage(caregraph: ServerProcess, floor: ServerProcess, caregraphQuery: string): Promise<FloorPageCheck> {
  const minute = () => Math.floor(Date.now() / 60_000);
  for (let attempt = 0; ; attempt++) {
    const before = minute();
    const cg = await graphql(caregraph.url, caregraphQuery, { first: 50 }, caregraph.headers);
    const fl = await graphql(floor.url, CUSTOMER_PAGE, { first: 50 }, floor.headers);
    if (minute() !== before && attempt < 2) continue;
    const errors = [cg.body.errors?.[0]?.message && `CareGraph: ${cg.body.errors[0].message}`, fl.body.errors?.[0]?.message && `floor: ${fl.body.errors[0].message}`];
    const shown = errors.filter((e): e is string => !!e);
    if (shown.length) return { matches: false, differences: shown, purchaseFrequencyRelDiff: NaN };
    const out = { differences: [] as string[], relDiff: 0 };
    compare(cg.body.data, fl.body.data, 'data', out);
    return { matches: out.differences.length === 0, differences: out.differences.slice(0, SHOWN), purchaseFrequencyRelDiff: out.relDiff };
  }
}

function compare(a: unknown, b: unknown, path: string, out: { differences: string[]; relDiff: number }): void {
  if (typeof a === 'number' && typeof b === 'number' && path.endsWith(`.${CLOCK_FIELD}`)) {
    const rel = Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), Number.MIN_VALUE);
    out.relDiff = Math.max(out.relDiff, rel);
    if (rel > CLOCK_TOLERANCE) out.differences.push(`${path}: ${a} vs ${b}`);
    return;
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.join() !== kb.join()) out.differences.push(`${path}: fields ${ka.join(',')} vs ${kb.join(',')}`);
    for (const k of ka) if (k in b) compare((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, out);
    return;
  }
  if (a !== b) out.differences.push(`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
}
