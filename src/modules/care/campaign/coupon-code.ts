/**
 * Coupon codes: PREFIX-XXXX-XXXX-XXX, deterministic per (campaign, customer). The pair is packed into 52 bits
 * and run through a keyed Feistel permutation, which is a bijection: two pairs never share a code (the unique
 * index can never reject a launch), and neighbouring customers get unrelated-looking codes. Codes are not
 * secrets: redemption also checks the owner.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U
const HALF_BITS = 26;
const HALF_MASK = (1 << HALF_BITS) - 1;
const ROUND_KEYS = [0x9e3779b1, 0x85ebca77, 0xc2b2ae3d, 0x27d4eb2f];
export const MAX_CAMPAIGN_ID = 2 ** 20 - 1;
export const MAX_CUSTOMER_ID = 2 ** 32 - 1;

function round(half: number, key: number): number {
  let h = Math.imul(half ^ key, 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return (h ^ (h >>> 16)) & HALF_MASK;
}

export function couponCode(prefix: string, campaignId: number, customerId: number): string {
  if (!Number.isInteger(campaignId) || campaignId < 1 || campaignId > MAX_CAMPAIGN_ID) throw new RangeError(`campaignId must be 1..${MAX_CAMPAIGN_ID}`);
  if (!Number.isInteger(customerId) || customerId < 1 || customerId > MAX_CUSTOMER_ID) throw new RangeError(`customerId must be 1..${MAX_CUSTOMER_ID}`);
  // 52 bits = campaign (20) | customer (32), split into two 26-bit halves.
  const packed = BigInt(campaignId) * 2n ** 32n + BigInt(customerId);
  let left = Number(packed >> BigInt(HALF_BITS));
  let right = Number(packed & BigInt(HALF_MASK));
  for (const key of ROUND_KEYS) [left, right] = [right, left ^ round(right, key)];
  let n = (BigInt(left) << BigInt(HALF_BITS)) | BigInt(right);
  let body = '';
  for (let i = 0; i < 11; i++) {
    body = ALPHABET[Number(n & 31n)] + body;
    n >>= 5n;
  }
  return `${prefix}-${body.slice(0, 4)}-${body.slice(4, 8)}-${body.slice(8)}`;
}

/** The form codes are stored in: upper case, no surrounding space. */
export const normalizeCode = (code: string) => code.trim().toUpperCase();
