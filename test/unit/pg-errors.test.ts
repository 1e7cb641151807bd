/** Unit tests of the one Postgres-error helper (pg errors and TypeORM's wrapped ones). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryFailedError } from 'typeorm';
import {
  isDataException,
  isPgUnavailable,
  isUniqueViolation,
  pgCode,
} from '../../src/common/pg-errors';

const pgError = (code: string, constraint?: string) =>
  Object.assign(new Error('pg'), { code, constraint });

describe('Postgres error codes', () => {
  it('reads the code of a pg error and of a TypeORM error wrapping one', () => {
    assert.equal(pgCode(pgError('23505')), '23505');
    const wrapped = new QueryFailedError(
      'INSERT …',
      [],
      pgError('23505', 'items_queue_external_id_key'),
    );
    assert.equal(pgCode(wrapped), '23505');
    assert.equal(isUniqueViolation(wrapped, 'items_queue_external_id_key'), true);
    assert.equal(isUniqueViolation(wrapped, 'another_key'), false);
  });
  it('is empty for anything else', () => {
    for (const other of [null, undefined, 'text', new Error('x'), { code: 42 }])
      assert.equal(pgCode(other), '');
  });
  it('knows unique violations, data exceptions and unavailability', () => {
    assert.equal(isUniqueViolation(pgError('23505')), true);
    assert.equal(isUniqueViolation(pgError('23503')), false);
    assert.equal(isDataException(pgError('22P02')), true);
    assert.equal(isDataException(pgError('22021')), true);
    assert.equal(isDataException(pgError('23505')), false);
    assert.equal(isPgUnavailable(pgError('57P03')), true);
    assert.equal(isPgUnavailable(pgError('53300')), true);
    assert.equal(isPgUnavailable(pgError('22P02')), false);
  });
});
