import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Cursors are sealed (AES-256-GCM): opaque to clients, so a sort value (a name, a date) never travels in
 * clear, and tamper-proof, so a client cannot forge a position. The key comes from CURSOR_SECRET; without
 * one each process makes its own, and cursors do not survive a restart or cross instances. The nonce is an HMAC
 * of the payload (synthetic IV), so one position always has one cursor; equal cursors reveal only equal positions.
 */
const derive = (secret: Buffer | string, use: string) => createHash('sha256').update(`caregraph cursor ${use}\0`).update(secret).digest();
let key: Buffer;
let nonceKey: Buffer;

export function setCursorSecret(secret: Buffer | string): void {
  key = derive(secret, 'key');
  nonceKey = derive(secret, 'nonce');
}
setCursorSecret(randomBytes(32));

const IV = 12;
const TAG = 16;

export function sealCursor(payload: unknown): string {
  const plain = JSON.stringify(payload);
  const iv = createHmac('sha256', nonceKey).update(plain).digest().subarray(0, IV);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** The payload of a cursor this server sealed, or undefined for anything else. */
export function openCursor(cursor: string): unknown {
  if (typeof cursor !== 'string' || cursor.length > 4096) return undefined;
  const raw = Buffer.from(cursor, 'base64url');
  if (raw.length < IV + TAG + 2) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV));
    decipher.setAuthTag(raw.subarray(raw.length - TAG));
    return JSON.parse(Buffer.concat([decipher.update(raw.subarray(IV, raw.length - TAG)), decipher.final()]).toString('utf8'));
  } catch {
    return undefined;
  }
}
