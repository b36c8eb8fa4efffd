import { badInput } from './errors';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Per type: the base64 of the whole 3-character groups of "Type:", and the characters left over. */
const prefixes = new Map<string, { encoded: string; tail: string }>();

/**
 * Relay global ids: base64("Type:id"), e.g. Customer 42 -> "Q3VzdG9tZXI6NDI=". A page of purchases with lines
 * makes hundreds: the prefix is encoded once per type, the rest (a few ASCII characters) here, at half the cost
 * of a Buffer round trip.
 */
export function toGlobalId(type: string, id: number): string {
  let prefix = prefixes.get(type);
  if (prefix === undefined) {
    const head = `${type}:`;
    const whole = head.length - (head.length % 3);
    prefix = { encoded: Buffer.from(head.slice(0, whole), 'latin1').toString('base64'), tail: head.slice(whole) };
    // Type names come from the code (and the audit log's entity column): a handful, all ASCII.
    if (!/^[\x20-\x7e]*$/.test(type) || prefixes.size >= 64) return Buffer.from(`${type}:${id}`).toString('base64');
    prefixes.set(type, prefix);
  }
  return prefix.encoded + asciiBase64(`${prefix.tail}${id}`);
}

function asciiBase64(s: string): string {
  let out = '';
  let i = 0;
  for (; i + 2 < s.length; i += 3) {
    const v = (s.charCodeAt(i) << 16) | (s.charCodeAt(i + 1) << 8) | s.charCodeAt(i + 2);
    out += BASE64[v >> 18] + BASE64[(v >> 12) & 63] + BASE64[(v >> 6) & 63] + BASE64[v & 63];
  }
  if (s.length - i === 1) {
    const v = s.charCodeAt(i) << 16;
    out += `${BASE64[v >> 18]}${BASE64[(v >> 12) & 63]}==`;
  } else if (s.length - i === 2) {
    const v = (s.charCodeAt(i) << 16) | (s.charCodeAt(i + 1) << 8);
    out += `${BASE64[v >> 18]}${BASE64[(v >> 12) & 63]}${BASE64[(v >> 6) & 63]}=`;
  }
  return out;
}

export function parseGlobalId(globalId: string): { type: string; id: number } | null {
  const decoded = Buffer.from(globalId, 'base64').toString('utf8');
  const m = /^([A-Za-z]+):([1-9][0-9]{0,14})$/.exec(decoded);
  return m ? { type: m[1], id: Number(m[2]) } : null;
}

/** Decodes an id argument that must name an object of `type`; a wrong or foreign id is BAD_USER_INPUT. */
export function expectGlobalId(globalId: string, type: string, argName = 'id'): number {
  const parsed = parseGlobalId(globalId);
  if (!parsed || parsed.type !== type) {
    // A plain number is the commonest mistake: say what an id looks like and which one was probably meant.
    const hint = /^[1-9][0-9]{0,14}$/.test(globalId)
      ? `: ids are global ids, e.g. "${toGlobalId(type, Number(globalId))}" for ${type} ${globalId}; take them from the id field of a query`
      : '';
    throw badInput(`${argName} "${globalId.slice(0, 80)}" is not a ${type} id${hint}`, { argument: argName });
  }
  return parsed.id;
}
