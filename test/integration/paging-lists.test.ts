// Lists convention (api-contract): limit and cursor walk a list once, and a cursor carries no names.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ValidationError } from '../../src/services/kernel/errors.ts';
import { testEngines } from '../support/databases.ts';
import { createServiceFixture, NORTHBRIDGE_PERSON, type ServiceFixture } from '../support/services.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`paging of cross-person lists on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    before(async () => {
      f = await createServiceFixture(engine);
      for (const familyName of ['Alpha', 'Bravo', 'Charlie']) {
        const person = await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: 'Paging', familyName });
        await f.services.legalHistory.addLegalStatus(f.actors.practitioner, person.id, { section: '3', startDate: '2026-01-05' });
      }
    });
    after(async () => {
      await f?.close();
    });

    test('PLAN-1: the planning task list pages with limit and cursor, each person once', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await f.services.planning.tasks(f.actors.practitioner, { limit: '1', ...(cursor && { cursor }) });
        assert.ok(page.items.length <= 1);
        seen.push(...page.items.map((i) => i.familyName));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      assert.deepEqual(seen.sort(), ['Alpha', 'Bravo', 'Charlie']);
      await assert.rejects(f.services.planning.tasks(f.actors.practitioner, { cursor: 'made-up' }), ValidationError);
    });

    test('register cursors name no one: they hold only an id', async () => {
      const page = await f.services.people.search(f.actors.practitioner, { q: 'Paging', limit: '1' });
      assert.ok(page.nextCursor);
      const decoded = Buffer.from(page.nextCursor, 'base64url').toString('utf8');
      assert.doesNotMatch(decoded, /Alpha|Bravo|Charlie|Paging/);
    });

    test('PLAN-1: the planning-needed list pages with an id-only cursor too', async () => {
      const page = await f.services.plans.planningNeeded(f.actors.practitioner, { limit: '1' });
      assert.equal(page.items.length, 1);
      assert.ok(page.nextCursor);
      assert.doesNotMatch(Buffer.from(page.nextCursor, 'base64url').toString('utf8'), /Alpha|Bravo|Charlie|Paging/);
      const second = await f.services.plans.planningNeeded(f.actors.practitioner, { limit: '1', cursor: page.nextCursor });
      assert.notEqual(second.items[0]?.id, page.items[0]?.id);
    });
  });
}
