import wink from 'wink-sentiment';

export type SentimentLabel = 'POSITIVE' | 'NEUTRAL' | 'NEGATIVE';

export interface Sentiment {
  /** -1 (very negative) .. 1 (very positive). */
  score: number;
  label: SentimentLabel;
}

/**
 * The sentiment of a comment, with wink-sentiment (AFINN-165 lexicon with negation, emoji and emoticons;
 * chosen by measurement over `sentiment` and `vader-sentiment`: see sentiment.spec.ts and docs/analytics.md).
 * Its normalised score (about -5..5) is scaled to -1..1; a comment without any sentiment word is NEUTRAL.
 * null for no text.
 */
export function sentimentOf(text: string | null | undefined): Sentiment | null {
  if (text == null || !text.trim()) return null;
  const n = wink(text).normalizedScore;
  const score = Math.round(Math.max(-1, Math.min(1, n / 5)) * 1000) / 1000;
  return { score, label: n > 0 ? 'POSITIVE' : n < 0 ? 'NEGATIVE' : 'NEUTRAL' };
}

/** The stars and the words disagree: 4-5 stars with negative words, or 1-2 stars with positive words. */
export function scoreMismatch(stars: number, sentiment: Sentiment | null): boolean {
  if (!sentiment) return false;
  return (stars >= 4 && sentiment.label === 'NEGATIVE') || (stars <= 2 && sentiment.label === 'POSITIVE');
}
