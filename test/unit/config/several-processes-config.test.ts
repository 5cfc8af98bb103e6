// The settings for several processes (issue 14): how long "who is asking" is kept, how often the
// sweep runs, the server's own reminders, and how many connections to PostgreSQL each process keeps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../../src/config.ts';

test('defaults: identity kept 5 s, a sweep every 300 s, no reminders from the server', () => {
  const config = loadConfig({});
  assert.equal(config.identityCacheSeconds, 5);
  assert.equal(config.sweepSeconds, 300);
  assert.equal(config.remindersHours, null);
  assert.equal(config.databasePoolSize, 10);
});

test('0 keeps nothing; wrong values stop start-up naming the variable', () => {
  assert.equal(loadConfig({ S117_IDENTITY_CACHE_SECONDS: '0' }).identityCacheSeconds, 0);
  assert.equal(loadConfig({ S117_REMINDERS_HOURS: '24' }).remindersHours, 24);
  assert.throws(() => loadConfig({ S117_IDENTITY_CACHE_SECONDS: '-1' }), (e: unknown) => e instanceof ConfigError && /S117_IDENTITY_CACHE_SECONDS/.test(e.message));
  assert.throws(() => loadConfig({ S117_SWEEP_SECONDS: '0' }), (e: unknown) => e instanceof ConfigError && /S117_SWEEP_SECONDS/.test(e.message));
  assert.throws(() => loadConfig({ S117_REMINDERS_HOURS: 'daily' }), (e: unknown) => e instanceof ConfigError && /S117_REMINDERS_HOURS/.test(e.message));
});

test('the pool of connections to PostgreSQL: as many as set, and never fewer than the server\'s own jobs need', () => {
  assert.equal(loadConfig({ S117_DATABASE_POOL_SIZE: '4' }).databasePoolSize, 4);
  assert.equal(loadConfig({ S117_DATABASE_POOL_SIZE: '' }).databasePoolSize, 10);
  for (const wrong of ['2', '0', '4.5', 'many']) {
    assert.throws(() => loadConfig({ S117_DATABASE_POOL_SIZE: wrong }), (e: unknown) => e instanceof ConfigError && /S117_DATABASE_POOL_SIZE must be a whole number, 3 or more/.test(e.message), wrong);
  }
});
