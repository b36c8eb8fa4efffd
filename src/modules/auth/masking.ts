import { AppError, ErrorCode } from '../../common/errors';
import type { CustomerFilter, CustomerOrder } from '../customer/customer.inputs';

/**
 * The one masking policy for ANALYST callers, applied by the graph (field masks), by what a caller may use
 * (filters, sort keys) and by exports alike.
 *
 * Always masked: name (initials), email, phone, address, birth date, free text of care records.
 * Quasi-identifiers (age, gender, city, country, annual income, tags) follow ANALYST_QUASI_IDENTIFIERS:
 * - `coarse` (default): age as the lower bound of its 10-year band (37 -> 30), annual income rounded down to
 *   10,000, no city; gender, country and tags shown. Analytics are computed on the stored values.
 * - `hidden`: none of them.  - `exact`: all of them as stored.
 */
export type QuasiIdentifierPolicy = 'coarse' | 'exact' | 'hidden';
export const QUASI_IDENTIFIER_POLICIES: readonly QuasiIdentifierPolicy[] = ['coarse', 'exact', 'hidden'];

export const AGE_BAND = 10;
export const INCOME_BAND = 10_000;

export type QuasiIdentifier = 'age' | 'annualIncome' | 'city' | 'gender' | 'country' | 'tags';

const refuse = (message: string) => new AppError(ErrorCode.FORBIDDEN, message);

/** The policy of one server (services.masking), from ANALYST_QUASI_IDENTIFIERS. */
export class AnalystMasking {
  constructor(readonly policy: QuasiIdentifierPolicy = 'coarse') {}

  /** How an ANALYST sees a quasi-identifier (never called for other roles). */
  quasi(field: QuasiIdentifier, v: unknown): unknown {
    const policy = this.policy;
    if (policy === 'exact' || v == null) return v;
    if (policy === 'hidden') return field === 'tags' ? [] : null;
    switch (field) {
      case 'age': return Math.floor(Number(v) / AGE_BAND) * AGE_BAND;
      case 'annualIncome': return Math.floor(Number(v) / INCOME_BAND) * INCOME_BAND;
      case 'city': return null;
      default: return v;
    }
  }

  /**
   * What an ANALYST cannot read it cannot filter or sort by either: otherwise a search or an ordering would
   * give the value back one probe at a time.
   */
  assertMayUse(filter: CustomerFilter | null | undefined, order: CustomerOrder | null | undefined): void {
    if (order?.field === 'NAME') throw refuse('ANALYST keys cannot order customers by NAME (names are masked for them)');
    if (!filter) return;
    if (filter.search != null) throw refuse('ANALYST keys cannot search customers: search matches names and emails, which are masked for them');
    if (filter.city != null && this.policy !== 'exact') throw refuse('ANALYST keys cannot filter by city (masked by ANALYST_QUASI_IDENTIFIERS)');
    if (this.policy === 'hidden') {
      for (const key of ['gender', 'country', 'tag', 'ageMin', 'ageMax'] as const) {
        if (filter[key] != null) throw refuse(`ANALYST keys cannot filter by ${key} (masked by ANALYST_QUASI_IDENTIFIERS=hidden)`);
      }
    }
    if (this.policy === 'coarse') {
      if (filter.ageMin != null && filter.ageMin % AGE_BAND !== 0) throw refuse(`ANALYST keys see ages in ${AGE_BAND}-year bands: ageMin must be a multiple of ${AGE_BAND}`);
      if (filter.ageMax != null && filter.ageMax % AGE_BAND !== AGE_BAND - 1) throw refuse(`ANALYST keys see ages in ${AGE_BAND}-year bands: ageMax must end a band (e.g. 39)`);
    }
  }
}
