import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config';

describe('TRUST_PROXY', () => {
  it('trusts X-Forwarded-For only from loopback proxies by default', () => {
    assert.equal(loadConfig({}).trustProxy, 'loopback');
  });

  it('reads booleans, hop counts and address lists', () => {
    assert.equal(loadConfig({ TRUST_PROXY: 'false' }).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true);
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
    assert.equal(
      loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy,
      'loopback, 10.0.0.0/8',
    );
  });

  it('refuses anything else, naming the variable', () => {
    assert.throws(
      () => loadConfig({ TRUST_PROXY: 'all of them!' }),
      (error: Error) => error instanceof ConfigError && /TRUST_PROXY/.test(error.message),
    );
  });
});

describe('DATABASE_PREPARED_STATEMENTS', () => {
  it('is on unless turned off, and refuses a value that is not a boolean', () => {
    assert.equal(loadConfig({}).databasePreparedStatements, true);
    assert.equal(
      loadConfig({ DATABASE_PREPARED_STATEMENTS: 'false' }).databasePreparedStatements,
      false,
    );
    assert.throws(
      () => loadConfig({ DATABASE_PREPARED_STATEMENTS: 'sometimes' }),
      (error: Error) =>
        error instanceof ConfigError && /DATABASE_PREPARED_STATEMENTS/.test(error.message),
    );
  });
});

describe('DATABASE_POOL_IDLE_TIMEOUT_MS', () => {
  it('keeps pooled connections open unless told otherwise, and refuses a value that is not a duration', () => {
    assert.equal(loadConfig({}).databasePoolIdleTimeoutMs, 0);
    assert.equal(
      loadConfig({ DATABASE_POOL_IDLE_TIMEOUT_MS: '30000' }).databasePoolIdleTimeoutMs,
      30_000,
    );
    for (const bad of ['-1', '10s', '86400001'])
      assert.throws(
        () => loadConfig({ DATABASE_POOL_IDLE_TIMEOUT_MS: bad }),
        (error: Error) =>
          error instanceof ConfigError && /DATABASE_POOL_IDLE_TIMEOUT_MS/.test(error.message),
      );
  });
});
