import type { AuthChecker, MiddlewareFn } from 'type-graphql';
import type { Context } from '../../context';
import type { AuditAction } from '../audit/audit.service';
import { Role } from './api-key.entity';

/** type-graphql's @Authorized(roles): the caller's role must be listed (no roles = any authenticated caller). */
export const authChecker: AuthChecker<Context> = ({ context }, roles) =>
  !!context.principal && (roles.length === 0 || roles.includes(context.principal.role));

type Mask = (value: unknown, root: any, context: Context) => unknown;
const MASK = Symbol('mask');
const AUDITED = Symbol('audited');

/** The request read a personal field of this record: one audit entry per request lists them (server.ts). */
function noteRead(context: Context, root: { id?: unknown }): void {
  if (typeof root?.id === 'number') (context.personalReads ??= new Set()).add(root.id);
}

/**
 * Masks a personal-data field for ANALYST callers; other roles see it as stored. `audited`: reading it (in a
 * list, a nested object, anywhere) is written to the audit log. On a plain field the schema gets a synchronous
 * resolver doing the same (see maskedResolver), so this middleware runs only where that does not apply.
 */
export function MaskForAnalyst(mask: Mask = () => null, options: { audited?: boolean } = {}): MiddlewareFn<Context> {
  const audited = !!options.audited;
  const middleware: MiddlewareFn<Context> = async ({ context, root }, next) => {
    const value = await next();
    if (audited && value != null) noteRead(context, root);
    return context.principal?.role === Role.ANALYST && value != null ? mask(value, root, context) : value;
  };
  return Object.assign(middleware, { [MASK]: mask, [AUDITED]: audited });
}

/** For a field whose only middleware is MaskForAnalyst: the same masking as a plain synchronous resolver. */
export function maskedResolver(middlewares: readonly unknown[], property: string): ((root: any, args: unknown, context: Context) => unknown) | null {
  const marks = middlewares.length === 1 ? (middlewares[0] as { [MASK]?: Mask; [AUDITED]?: boolean }) : undefined;
  const mask = marks?.[MASK];
  if (!mask) return null;
  const audited = !!marks[AUDITED];
  return (root, _args, context) => {
    const value = root[property];
    if (audited && value != null) noteRead(context, root);
    return context.principal?.role === Role.ANALYST && value != null ? mask(value, root, context) : value;
  };
}

/** For non-null free-text fields. */
export const MASKED = '[masked]';

/** "Jane Doe" -> "J. D.": the most of a name an ANALYST sees. */
export const initials = (name: unknown) =>
  String(name)
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => `${w[0].toUpperCase()}.`)
    .join(' ');

const globalIdOf = (v: unknown): string | null => {
  const o = v as { globalId?: string; id?: unknown; customer?: { globalId?: string } } | null;
  return o?.globalId ?? o?.customer?.globalId ?? (typeof o?.id === 'string' ? o.id : null);
};

/**
 * Writes an audit entry after the field resolved successfully: every change (before answering), and reads of
 * single customers (batched, see AuditService). `entity` may be a function of the result (node(id) reads only
 * audit customers).
 */
export function Audited(action: AuditAction, entity: string | ((result: unknown) => string | null)): MiddlewareFn<Context> {
  return async ({ context, info, args }, next) => {
    const result = await next();
    const name = typeof entity === 'function' ? entity(result) : entity;
    if (name && result != null) {
      const id = globalIdOf(result) ?? (typeof args.id === 'string' ? args.id : null);
      const entries = [{ action, operation: info.fieldName, entity: name, entityId: id }];
      if (action === 'READ') context.services.audit.recordRead(context.principal, context.requestId, entries);
      else await context.services.audit.record(context.principal, context.requestId, entries);
    }
    return result;
  };
}
