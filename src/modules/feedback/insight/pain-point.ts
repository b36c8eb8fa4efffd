/** The values of FeedbackIssue (kept free of the entity so that config.ts can load keyword files cheaply). */
export const ISSUES = ['DELIVERY', 'QUALITY', 'PRICE', 'SERVICE', 'PRODUCT', 'BILLING', 'OTHER'] as const;
export type Issue = (typeof ISSUES)[number];

/** Words (or phrases) that point at an issue when a comment has none given; the team edits them (PAIN_POINT_KEYWORDS_FILE). */
export type PainPointKeywords = Partial<Record<Issue, readonly string[]>>;

export const DEFAULT_PAIN_POINT_KEYWORDS: PainPointKeywords = {
  DELIVERY: ['late', 'delay', 'delayed', 'delivery', 'shipping', 'parcel', 'package', 'courier', 'never arrived', 'lost', 'tracking', 'dispatch'],
  QUALITY: ['broken', 'damaged', 'defective', 'faulty', 'poor quality', 'fell apart', 'scratched', 'torn', 'stopped working', 'cheaply made'],
  PRICE: ['expensive', 'overpriced', 'pricey', 'too much', 'cheaper', 'price'],
  SERVICE: ['rude', 'unhelpful', 'staff', 'support', 'customer service', 'no answer', 'waited', 'on hold', 'agent'],
  PRODUCT: ['wrong size', 'does not fit', "doesn't fit", 'not as described', 'wrong item', 'missing part', 'colour', 'color'],
  BILLING: ['charged', 'double charged', 'overcharged', 'refund', 'invoice', 'billing', 'payment'],
};

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One matcher per issue: whole words or phrases, any case. */
export function compileKeywords(keywords: PainPointKeywords): [Issue, RegExp][] {
  return Object.entries(keywords)
    .filter(([, words]) => words && words.length)
    .map(([issue, words]) => [issue as Issue, new RegExp(`(?<![\\p{L}\\p{N}])(?:${words!.map((w) => escape(w.trim())).join('|')})(?![\\p{L}\\p{N}])`, 'giu')]);
}

/** The issue a comment speaks of most (most keyword hits; ties go to the earlier issue in the list), or null. */
export function inferIssue(text: string | null | undefined, matchers: readonly [Issue, RegExp][]): Issue | null {
  if (!text) return null;
  let best: Issue | null = null;
  let bestHits = 0;
  for (const [issue, re] of matchers) {
    const hits = text.match(re)?.length ?? 0;
    if (hits > bestHits) {
      best = issue;
      bestHits = hits;
    }
  }
  return best;
}

/** Validates a keywords file's content: { "DELIVERY": ["late", ...], ... }. */
export function parsePainPointKeywords(json: unknown): PainPointKeywords {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error('must be a JSON object of issue -> list of words');
  const out: PainPointKeywords = {};
  for (const [issue, words] of Object.entries(json)) {
    if (!(ISSUES as readonly string[]).includes(issue)) throw new Error(`unknown issue ${issue} (one of ${ISSUES.join(', ')})`);
    if (!Array.isArray(words) || !words.every((w) => typeof w === 'string' && w.trim().length > 0 && w.length <= 60)) {
      throw new Error(`${issue} must list words of 1 to 60 characters`);
    }
    out[issue as Issue] = words;
  }
  return out;
}
