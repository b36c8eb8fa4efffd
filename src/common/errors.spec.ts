import { QueryFailedError } from 'typeorm';
import { PoolWaitTimeout } from '../db/pool-guard';
import { ErrorCode, isUnavailable, mapError, markDuringWrite } from './errors';

const driverError = (code: string, message: string) => Object.assign(new Error(message), { code });
const failed = (code: string, message: string) => new QueryFailedError('SELECT 1', [], driverError(code, message));

describe('mapError: a dependency that is down', () => {
  test('refused or no connection: SERVICE_UNAVAILABLE, in reads and writes alike (nothing ran)', () => {
    const connectTimeout = Object.assign(driverError('ETIMEDOUT', 'connect ETIMEDOUT'), { syscall: 'connect' });
    for (const err of [failed('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:3306'), new PoolWaitTimeout(1000), new Error('Queue limit reached.'), connectTimeout]) {
      expect(mapError(err).code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
      markDuringWrite(err);
      expect(mapError(err).code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
      expect(isUnavailable(err)).toBe(true);
    }
  });

  test('a timeout or a lost connection: SERVICE_UNAVAILABLE in a read, OUTCOME_UNKNOWN in a write', () => {
    for (const make of [() => failed('PROTOCOL_SEQUENCE_TIMEOUT', 'Query inactivity timeout'), () => failed('PROTOCOL_CONNECTION_LOST', 'Connection lost: The server closed the connection.')]) {
      expect(mapError(make()).code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
      const inWrite = make();
      markDuringWrite(inWrite);
      const mapped = mapError(inWrite);
      expect(mapped.code).toBe(ErrorCode.OUTCOME_UNKNOWN);
      expect(mapped.message).toMatch(/same idempotency key/);
      expect(isUnavailable(inWrite)).toBe(true);
    }
  });

  test('anything else stays what it was', () => {
    expect(mapError(new Error('boom')).code).toBe(ErrorCode.INTERNAL_SERVER_ERROR);
    expect(isUnavailable(new Error('boom'))).toBe(false);
  });
});
