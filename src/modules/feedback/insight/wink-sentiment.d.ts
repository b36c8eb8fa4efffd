declare module 'wink-sentiment' {
  /** AFINN-style sentiment with negation and emoticons; normalizedScore is about -5..5 per sentence. */
  function sentiment(text: string): { score: number; normalizedScore: number };
  export = sentiment;
}
