// Change notifications: which changes are announced (person.entitled, episode.ended/reinstated/
// superseded, responsibility.confirmed, service.s117-changed), the back-off, and which addresses may
// receive them; the scopes of system accounts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { changeEvents, retryDelaySeconds, webhookUrlProblem, type NotificationState } from '../../../src/domain/notifications.ts';
import { scopeProblem, scopesAllow } from '../../../src/domain/system-accounts.ts';

const episode = (status: NotificationState['episodes'][string]['status'], confirmed = false, la = 'E09000099') => ({ status, localAuthority: la, icb: 'QZZ', confirmed });
const state = (episodes: NotificationState['episodes'] = {}, services: NotificationState['services'] = {}): NotificationState => ({ episodes, services });
const names = (before: NotificationState, after: NotificationState) => changeEvents(before, after).map((e) => `${e.event}:${e.episodeId ?? e.serviceId}`);

describe('change events', () => {
  test('ELIG-1: a new qualifying episode makes the person entitled; nothing changed announces nothing', () => {
    assert.deepEqual(names(state(), state({ e1: episode('planning') })), ['person.entitled:e1']);
    assert.deepEqual(names(state({ e1: episode('active') }), state({ e1: episode('active') })), []);
    assert.deepEqual(names(state({ e1: episode('planning') }), state({ e1: episode('active') })), []);
  });

  test('END-1 and END-6: an episode jointly ended, then reinstated', () => {
    assert.deepEqual(names(state({ e1: episode('active') }), state({ e1: episode('ended') })), ['episode.ended:e1']);
    assert.deepEqual(names(state({ e1: episode('ended') }), state({ e1: episode('active') })), ['episode.reinstated:e1']);
  });

  test('END-5: a new qualifying detention supersedes the earlier episode and entitles anew', () => {
    assert.deepEqual(names(state({ e1: episode('active') }), state({ e1: episode('superseded'), e2: episode('planning') })), ['episode.superseded:e1', 'person.entitled:e2']);
  });

  test('RESP-2 to RESP-5: responsibility confirmed, or confirmed for another body; not again when nothing changed', () => {
    assert.deepEqual(names(state({ e1: episode('active') }), state({ e1: episode('active', true) })), ['responsibility.confirmed:e1']);
    assert.deepEqual(names(state({ e1: episode('active', true) }), state({ e1: episode('active', true, 'E09000098') })), ['responsibility.confirmed:e1']);
    assert.deepEqual(names(state({ e1: episode('active', true) }), state({ e1: episode('active', true) })), []);
  });

  test('CHG-1: a service that becomes or stops being s117, a new s117 service, a removed s117 service; a new service not s117 is not announced', () => {
    assert.deepEqual(names(state({}, { s1: false }), state({}, { s1: true })), ['service.s117-changed:s1']);
    assert.deepEqual(names(state({}, { s1: true }), state({}, { s1: false })), ['service.s117-changed:s1']);
    assert.deepEqual(names(state(), state({}, { s1: true, s2: false })), ['service.s117-changed:s1']);
    assert.deepEqual(names(state({}, { s1: true }), state()), ['service.s117-changed:s1']);
  });
});

describe('deliveries', () => {
  test('retries back off from 30 seconds, doubling, to at most six hours', () => {
    assert.deepEqual([1, 2, 3, 4].map(retryDelaySeconds), [30, 60, 120, 240]);
    assert.equal(retryDelaySeconds(100), 6 * 3600);
  });

  test('HTTPS only; plain HTTP to this machine only outside production; never credentials in the address', () => {
    assert.equal(webhookUrlProblem('https://charging.council.example/hooks', true), null);
    assert.equal(webhookUrlProblem('http://127.0.0.1:8080/hook', false), null);
    assert.ok(webhookUrlProblem('http://127.0.0.1:8080/hook', true));
    assert.ok(webhookUrlProblem('https://localhost/hook', true));
    assert.ok(webhookUrlProblem('http://charging.council.example/hooks', false));
    assert.ok(webhookUrlProblem('https://user:secret@charging.council.example/', false));
    assert.ok(webhookUrlProblem('not an address', false));
  });
});

describe('system accounts', () => {
  test('scopes alone decide: read reads, feed-detentions feeds, subscriptions subscribes, nothing else', () => {
    assert.equal(scopesAllow(['read'], 'person:read'), true);
    assert.equal(scopesAllow(['read'], 'person:create'), false);
    assert.equal(scopesAllow(['read'], 'money:read'), false);
    assert.equal(scopesAllow(['feed-detentions'], 'detentions:feed'), true);
    assert.equal(scopesAllow(['feed-detentions'], 'legal-history:record'), false);
    assert.equal(scopesAllow(['subscriptions'], 'subscriptions:manage'), true);
    assert.equal(scopesAllow(['anything'], 'person:read'), false);
  });

  test('only a provider’s system may feed detentions', () => {
    assert.equal(scopeProblem(['feed-detentions'], 'provider'), null);
    assert.ok(scopeProblem(['feed-detentions'], 'local-authority'));
    assert.equal(scopeProblem(['read', 'subscriptions'], 'icb'), null);
  });
});
