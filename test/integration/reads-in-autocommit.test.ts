// Issue 14: a read of one person's record (`useCases.read`, and the person's own reads) runs in
// autocommit with its audit event appended after the work. A read whose work tries to write (even a
// second audit event) is refused before the write reaches the database, so nothing is left half done
// and no read is audited.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_LAW_SETTINGS } from '../../src/domain/aftercare.ts';
import { DEFAULT_REVIEW_SETTINGS } from '../../src/domain/reviews.ts';
import { ReadOnlyError } from '../../src/data/read-only.ts';
import { NotFoundError } from '../../src/services/kernel/errors.ts';
import { createUseCases, type UseCases } from '../../src/services/kernel/use-case.ts';
import { createSelfUseCases } from '../../src/services/your-aftercare/person-actor.ts';
import { appendAuditEvent } from '../../src/data/audit-repository.ts';
import { testEngines } from '../support/databases.ts';
import { createServiceFixture, NORTHBRIDGE_PERSON, type ServiceFixture } from '../support/services.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`reads in autocommit on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    let useCases: UseCases;
    let personId: string;
    before(async () => {
      f = await createServiceFixture(engine);
      useCases = createUseCases(f.database.db, { clock: () => new Date(), reviews: DEFAULT_REVIEW_SETTINGS, law: DEFAULT_LAW_SETTINGS });
      personId = (await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: '999 000 0026' })).id;
    });
    after(async () => f?.close());

    const eventsOf = async (action: string) =>
      (await f.database.db.selectFrom('audit_events').select('seq').where('person_id', '=', personId).where('action', '=', action).execute()).length;

    test('a read answers from its work and is audited once, after it', async () => {
      const name = await useCases.read(f.actors.practitioner, personId, { permission: 'person:read', audit: { action: 'test.read' } }, async ({ trx, person }) =>
        (await trx.selectFrom('people').select('given_name').where('id', '=', person.id).executeTakeFirstOrThrow()).given_name);
      assert.equal(name, NORTHBRIDGE_PERSON.givenName);
      assert.equal(await eventsOf('test.read'), 1);
    });

    test('a read whose work writes is refused: the write never reaches the database, and nothing is audited', async () => {
      await assert.rejects(
        useCases.read(f.actors.practitioner, personId, { permission: 'person:read', audit: { action: 'test.read-that-writes' } }, async ({ trx, person }) => {
          await trx.updateTable('people').set({ given_name: 'Overwritten' }).where('id', '=', person.id).execute();
        }),
        ReadOnlyError,
      );
      const row = await f.database.db.selectFrom('people').select('given_name').where('id', '=', personId).executeTakeFirstOrThrow();
      assert.equal(row.given_name, NORTHBRIDGE_PERSON.givenName);
      assert.equal(await eventsOf('test.read-that-writes'), 0);
    });

    test('the person’s own read (NHS login) refuses a write the same way, and audits a read once', async () => {
      const self = createSelfUseCases(f.database.db, { clock: () => new Date(), reviews: DEFAULT_REVIEW_SETTINGS, law: DEFAULT_LAW_SETTINGS });
      const actor = { personId, requestId: null };
      assert.equal(await self.read(actor, { action: 'test.own-read' }, async ({ person }) => person.id), personId);
      assert.equal(await eventsOf('test.own-read'), 1);
      await assert.rejects(
        self.read(actor, { action: 'test.own-read-that-writes' }, async ({ trx, person }) => {
          await appendAuditEvent(trx, { userId: null, organisationId: null, action: 'test.smuggled', recordType: 'person', recordId: person.id, personId: person.id, requestId: null, details: {} });
        }),
        ReadOnlyError,
      );
      assert.equal(await eventsOf('test.smuggled'), 0);
      assert.equal(await eventsOf('test.own-read-that-writes'), 0);
    });

    test('a stranger’s read is the 404 of nobody, with no read audited', async () => {
      await assert.rejects(useCases.read(f.actors.otherLaPractitioner, personId, { permission: 'person:read', audit: { action: 'test.stranger' } }, async () => 1), NotFoundError);
      assert.equal(await eventsOf('test.stranger'), 0);
    });
  });
}
