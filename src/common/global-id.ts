import { badInput } from './errors';

/** Relay global ids: base64("Type:id"), e.g. Customer 42 -> "Q3VzdG9tZXI6NDI=". */
export function toGlobalId(type: string, id: number): string {
  return Buffer.from(`${type}:${id}`).toString('base64');
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
