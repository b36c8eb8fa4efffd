/** Money is stored as integer cents; the API speaks decimal currency units. Conversions live here only. */
export const toCents = (amount: number): number => Math.round(amount * 100);
export const fromCents = (cents: number | string | null | undefined): number => (cents == null ? 0 : Number(cents) / 100);
