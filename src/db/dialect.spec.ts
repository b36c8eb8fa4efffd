import { mapError } from '../common/errors';
import { isDeadlock, isUniqueViolation, positional } from './dialect';

describe('positional: ? placeholders to $n for PostgreSQL', () => {
  test('numbers every placeholder in order', () => {
    expect(positional('SELECT * FROM t WHERE a = ? AND b IN (?, ?)')).toBe('SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)');
  });
  test('leaves question marks in strings, quoted identifiers and comments alone', () => {
    expect(positional(`SELECT 'why?', 'it''s ?', "odd?col" FROM t -- what?\nWHERE a = ? /* b = ? */ AND c = ?`))
      .toBe(`SELECT 'why?', 'it''s ?', "odd?col" FROM t -- what?\nWHERE a = $1 /* b = ? */ AND c = $2`);
  });
  test('SQL that already numbers its parameters (TypeORM) is unchanged', () => {
    expect(positional('UPDATE t SET a = $1 WHERE b = $2')).toBe('UPDATE t SET a = $1 WHERE b = $2');
    expect(positional("SELECT 'a?' FROM t WHERE x = $1")).toBe("SELECT 'a?' FROM t WHERE x = $1");
  });
});

describe('driver errors of each database map to stable codes', () => {
  const pg = (code: string, message: string) => Object.assign(new Error(message), { driverError: Object.assign(new Error(message), { code }) });
  test.each([
    ['MySQL duplicate', Object.assign(new Error("ER_DUP_ENTRY: Duplicate entry 'a' for key 'uq'"), { code: 'ER_DUP_ENTRY' }), 'CONFLICT'],
    ['SQLite unique', new Error('SQLITE_CONSTRAINT_UNIQUE: UNIQUE constraint failed: customers.email'), 'CONFLICT'],
    ['PostgreSQL 23505', pg('23505', 'duplicate key value violates unique constraint "uq_customers_email"'), 'CONFLICT'],
    ['PostgreSQL refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), 'SERVICE_UNAVAILABLE'],
    ['PostgreSQL restart', pg('57P01', 'terminating connection due to administrator command'), 'SERVICE_UNAVAILABLE'],
    ['PostgreSQL lost connection', new Error('Connection terminated unexpectedly'), 'SERVICE_UNAVAILABLE'],
    ['PostgreSQL statement_timeout', pg('57014', 'canceling statement due to statement timeout'), 'SERVICE_UNAVAILABLE'],
    ['PostgreSQL too long', pg('22001', 'value too long for type character varying(200)'), 'BAD_USER_INPUT'],
    ['PostgreSQL out of range', pg('22003', 'value "99999999999" is out of range for type integer'), 'BAD_USER_INPUT'],
    ['PostgreSQL NUL in text', pg('22021', 'invalid byte sequence for encoding "UTF8": 0x00'), 'BAD_USER_INPUT'],
  ])('%s', (_name, error, code) => {
    expect(mapError(error).code).toBe(code);
  });
  test('isDeadlock: MySQL deadlock victims and PostgreSQL 40P01/40001 are retried, other errors are not', () => {
    expect(isDeadlock(new Error('ER_LOCK_DEADLOCK: Deadlock found when trying to get lock; try restarting transaction'))).toBe(true);
    expect(isDeadlock(pg('40P01', 'deadlock detected'))).toBe(true);
    expect(isDeadlock(pg('40001', 'could not serialize access due to concurrent update'))).toBe(true);
    expect(isDeadlock(pg('23505', 'duplicate key value violates unique constraint'))).toBe(false);
  });
  test('isUniqueViolation reads the SQLSTATE, not only the message', () => {
    expect(isUniqueViolation(pg('23505', 'doppelter Schlüsselwert verletzt Unique-Constraint'))).toBe(true);
    expect(isUniqueViolation(pg('23503', 'insert or update violates foreign key constraint'))).toBe(false);
  });
});
