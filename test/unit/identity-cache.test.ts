// "Who is asking" kept a few seconds (kernel/identity-cache.ts): what it keeps, and every way it stops
// keeping it (issue 14, items 3 and 5).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { UserWithOrganisation } from '../../src/data/accounts-repository.ts';
import { createIdentityCache } from '../../src/services/kernel/identity-cache.ts';

const user = (id: string, organisation = 'org-1') => ({ id, organisation_id: organisation, role: 'practitioner' }) as unknown as UserWithOrganisation;
const at = new Date('2026-12-04T12:00:00Z');
const later = new Date('2027-01-01T00:00:00Z');

function cache(ttlMs = 5000) {
  let now = 0;
  const c = createIdentityCache({ ttlMs, now: () => now });
  return { c, advance: (ms: number) => (now += ms) };
}

describe('the identity cache', () => {
  test('keeps nothing until the announcements are known to arrive, and nothing once they are lost', () => {
    const { c } = cache();
    c.set('token:a', user('u1'), later, c.generation());
    assert.equal(c.get('token:a', at), undefined);
    c.trusted();
    c.set('token:a', user('u1'), later, c.generation());
    assert.equal(c.get('token:a', at)?.id, 'u1');
    c.untrusted();
    assert.equal(c.get('token:a', at), undefined);
    c.set('token:a', user('u1'), later, c.generation());
    assert.equal(c.size, 0);
  });

  test('forgets a user announced as changed, and only them', () => {
    const { c } = cache();
    c.trusted();
    c.set('token:a', user('u1'), later, c.generation());
    c.set('session:b', user('u1'), later, c.generation());
    c.set('token:c', user('u2'), later, c.generation());
    c.changed('user:u1');
    assert.equal(c.get('token:a', at), undefined);
    assert.equal(c.get('session:b', at), undefined);
    assert.equal(c.get('token:c', at)?.id, 'u2');
  });

  test('an answer read before a change is not kept after it (no stale answer outlives a revocation)', () => {
    const { c } = cache();
    c.trusted();
    const seen = c.generation(); // the lookup starts
    c.changed('user:u1'); // a revocation arrives while it is in flight
    c.set('token:a', user('u1'), later, seen);
    assert.equal(c.get('token:a', at), undefined);
  });

  test('a credential expires when it says, whatever the time to live', () => {
    const { c } = cache(60_000);
    c.trusted();
    c.set('token:a', user('u1'), new Date(at.getTime() + 1000), c.generation());
    assert.equal(c.get('token:a', at)?.id, 'u1');
    assert.equal(c.get('token:a', new Date(at.getTime() + 1000)), undefined);
  });

  test('nothing is kept longer than the time to live, and a time to live of 0 keeps nothing', () => {
    const { c, advance } = cache(5000);
    c.trusted();
    c.set('token:a', user('u1'), later, c.generation());
    advance(4999);
    assert.ok(c.get('token:a', at));
    advance(1);
    assert.equal(c.get('token:a', at), undefined);
    const off = cache(0).c;
    off.trusted();
    off.set('token:a', user('u1'), later, off.generation());
    assert.equal(off.size, 0);
  });

  test('an organisation changed drops everything and tells the directory of names; an unknown announcement drops everything', () => {
    const { c } = cache();
    let told = 0;
    c.onOrganisationsChanged(() => (told += 1));
    c.trusted();
    told = 0;
    c.set('token:a', user('u1'), later, c.generation());
    c.changed('organisation:o1');
    assert.equal(c.size, 0);
    assert.equal(told, 1);
    c.set('token:a', user('u1'), later, c.generation());
    c.changed('something-else');
    assert.equal(c.size, 0);
  });

  test('keeps at most maxEntries, starting again beyond', () => {
    const c = createIdentityCache({ ttlMs: 5000, maxEntries: 2 });
    c.trusted();
    for (const key of ['a', 'b', 'c']) c.set(key, user(key), later, c.generation());
    assert.equal(c.size, 1);
  });
});
