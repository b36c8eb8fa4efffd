import { registerDecorator, validate, validateOrReject, type ValidationError, type ValidationOptions } from 'class-validator';
import { ArgumentValidationError } from 'type-graphql';
import { badInput } from './errors';
import { jsonKey } from './json-key';

/** A YYYY-MM-DD calendar date that is real and not in the future (birth dates). */
export function IsPastCalendarDate(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isPastCalendarDate',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be a real date (YYYY-MM-DD) not in the future`, ...options },
      validator: {
        validate(value: unknown) {
          if (value == null) return true;
          if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
          const d = new Date(`${value}T00:00:00Z`);
          return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(value) && d.getTime() <= Date.now() && d.getUTCFullYear() >= 1900;
        },
      },
    });
}

/**
 * A JSON object of bounded nesting and size: a deeper one overflows the stack in the ORM's recursive
 * merge, a longer one does not fit the TEXT column on MySQL; both would otherwise be internal errors.
 */
export function IsBoundedJson(maxDepth: number, maxLength: number, options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isBoundedJson',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be at most ${maxDepth} levels deep and ${maxLength} characters as JSON`, ...options },
      validator: {
        validate(value: unknown) {
          if (value == null) return true;
          return jsonDepthAtMost(value, maxDepth) && JSON.stringify(value).length <= maxLength;
        },
      },
    });
}

/** Iterative, so that the check itself cannot overflow the stack. */
function jsonDepthAtMost(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > maxDepth) return false;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return true;
}

/** Free-text fields: they may hold tabs and line breaks (never other control characters). */
const FREE_TEXT = new Set(['body', 'description', 'comment', 'note', 'address', 'message', 'template']);
/** JSON values whose strings are all free text (product attributes). */
const FREE_TEXT_TREES = new Set(['attributes']);
const CONTROL = /[\u0000-\u001f\u007f]/;
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * The first string in an input (nested objects and lists included) holding a C0 control character: a NUL
 * silently truncates text in SQLite, and a line break in a name or an email breaks every export. Free text
 * (FREE_TEXT) keeps tabs and line breaks.
 */
export function controlCharacterPath(value: unknown, path = ''): string | null {
  const stack: [unknown, string, boolean][] = [[value, path, false]];
  while (stack.length) {
    const [v, at, inFreeTree] = stack.pop()!;
    if (typeof v === 'string') {
      const field = at.replace(/\[\d+\]$/, '').split('.').pop() ?? '';
      if ((inFreeTree || FREE_TEXT.has(field) ? CONTROL_IN_TEXT : CONTROL).test(v)) return at || 'a text argument';
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push([item, `${at}[${i}]`, inFreeTree]));
    } else if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
      for (const [k, child] of Object.entries(v)) stack.push([child, at ? `${at}.${k}` : k, inFreeTree || FREE_TEXT_TREES.has(k)]);
    }
  }
  return null;
}

function assertNoControlCharacters(value: unknown): void {
  const at = controlCharacterPath(value);
  if (at) throw badInput(`${at} must not contain control characters (U+0000 to U+001F; free text may hold tabs and line breaks)`, { field: at });
}

/** Validates one object (e.g. an import row) and returns readable messages, empty when valid. */
export async function validationMessages(obj: object): Promise<string[]> {
  const at = controlCharacterPath(obj);
  const errors = await validate(obj, { forbidUnknownValues: false });
  return [...(at ? [`${at} must not contain control characters`] : []), ...flatten(errors)];
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => (prefix ? `${prefix}.${m}` : m)),
    ...flatten(e.children ?? [], prefix ? `${prefix}.${e.property}` : e.property),
  ]);
}

const VALID_ARGS_KEPT = 10_000;
/** Only small argument values are remembered (page sizes, filters): at most 10,000 x 512 characters a type. */
const VALID_KEY_MAX_CHARS = 512;
const validArgs = new Map<unknown, Set<string>>();

/**
 * Whether validateArgs has already passed this value for this type (only objects are remembered): a resolver
 * may then skip calling it (src/direct-resolvers.ts), with the same outcome.
 */
export function isKnownValid(value: unknown, type: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const key = jsonKey(value);
  return key !== null && key.length <= VALID_KEY_MAX_CHARS && validArgs.get(type)?.has(key) === true;
}

/**
 * type-graphql's argument validation (class-validator, with type-graphql's defaults), remembering argument
 * values that passed. A page of 50 customers asks for the same `purchases(first: 3)` 50 times; class-validator
 * is a large share of such a request's CPU. Only passes are remembered: the checks are pure functions of the
 * value (IsPastCalendarDate can only turn a failure into a pass as time goes on, never the reverse).
 */
export async function validateArgs(value: unknown, type: unknown): Promise<void> {
  // Imports check each row on its own (validationMessages), so that one bad row does not reject the batch.
  if (!(type as { name?: string } | null)?.name?.startsWith('Import')) assertNoControlCharacters(value);
  if (value === null || typeof value !== 'object') return;
  let seen = validArgs.get(type);
  const key = jsonKey(value);
  if (key !== null && seen?.has(key)) return;
  const options = { forbidUnknownValues: false, skipMissingProperties: true };
  try {
    if (Array.isArray(value)) await Promise.all(value.filter((v) => v !== null && typeof v === 'object').map((v) => validateOrReject(v, options)));
    else await validateOrReject(value as object, options);
  } catch (errors) {
    throw new ArgumentValidationError(errors as ValidationError[]);
  }
  if (key === null || key.length > VALID_KEY_MAX_CHARS) return;
  if (!seen) validArgs.set(type, (seen = new Set()));
  if (seen.size >= VALID_ARGS_KEPT) seen.clear();
  seen.add(key);
}
