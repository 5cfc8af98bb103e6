// The settings for several processes (issue 14): how long "who is asking" is kept, how often the
// sweep runs, and the server's own reminders.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../../src/config.ts';

test('defaults: identity kept 5 s, a sweep every 300 s, no reminders from the server', () => {
  const config = loadConfig({});
  assert.equal(config.identityCacheSeconds, 5);
  assert.equal(config.sweepSeconds, 300);
  assert.equal(config.remindersHours, null);
});

test('0 keeps nothing; wrong values stop start-up naming the variable', () => {
  assert.equal(loadConfig({ S117_IDENTITY_CACHE_SECONDS: '0' }).identityCacheSeconds, 0);
  assert.equal(loadConfig({ S117_REMINDERS_HOURS: '24' }).remindersHours, 24);
  assert.throws(() => loadConfig({ S117_IDENTITY_CACHE_SECONDS: '-1' }), (e: unknown) => e instanceof ConfigError && /S117_IDENTITY_CACHE_SECONDS/.test(e.message));
  assert.throws(() => loadConfig({ S117_SWEEP_SECONDS: '0' }), (e: unknown) => e instanceof ConfigError && /S117_SWEEP_SECONDS/.test(e.message));
  assert.throws(() => loadConfig({ S117_REMINDERS_HOURS: 'daily' }), (e: unknown) => e instanceof ConfigError && /S117_REMINDERS_HOURS/.test(e.message));
});
