// Issue 15 (task B): registrations of an NHS number already on the register. Southvale, which cannot
// see the person Northbridge registered, registers the same NHS number and records a detention; only
// Northbridge's s117 lead (and admins) see the pair, and merging moves Southvale's facts into the
// surviving record, re-derives its projections and audits both records. Keeping them separate records
// the reason and tells Southvale nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { columnsReferringToPeople, MOVED, NOT_MOVED } from '../../src/data/duplicates-repository.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../src/services/kernel/errors.ts';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { actorFromUser } from '../../src/services/kernel/actor.ts';
import { testEngines } from '../support/databases.ts';
import { createServiceFixture, type ServiceFixture } from '../support/services.ts';

const NHS = ['9990000026', '9990000034', '9990000042'];

for (const { engine, skip } of await testEngines()) {
  describe(`duplicate registrations on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    before(async () => {
      f = await createServiceFixture(engine);
    });
    after(async () => f?.close());

    const registered = (nhsNumber: string) =>
      f.services.people.create(f.actors.laPractitioner, { nhsNumber, givenName: 'Alex', familyName: 'Registered', dateOfBirth: '1975-02-03', residence: { localAuthority: 'E09000099', since: '2010-01-01' }, gp: { icb: 'QZZ', since: '2010-01-01' } });
    const later = (nhsNumber: string) =>
      f.services.people.create(f.actors.otherLaPractitioner, { nhsNumber, givenName: 'Zed', familyName: 'Laterecord', dateOfBirth: '1975-02-03', residence: { localAuthority: 'E09000098', since: '2020-01-01' }, gp: { icb: 'QZY', since: '2020-01-01' } });
    const pairOf = async (personId: string) => (await f.database.db.selectFrom('duplicate_registrations').selectAll().where('person_id', '=', personId).executeTakeFirstOrThrow());

    test('every column that refers to a person is either moved by a merge or handled on purpose', async () => {
      const known = new Set([...MOVED, ...NOT_MOVED].map(([t, c]) => `${t}.${c}`));
      const missing = (await columnsReferringToPeople(f.database.db)).map(([t, c]) => `${t}.${c}`).filter((k) => !known.has(k));
      assert.deepEqual(missing, []);
    });

    test('the organisation that made the later record learns nothing; unrelated ones nothing; the registered person’s lead sees who, when and how, never the contents', async () => {
      const first = await registered(NHS[0]!);
      const second = await later(NHS[0]!);
      assert.notEqual(second.id, first.id);
      const pair = await pairOf(second.id);
      assert.equal(pair.duplicate_of, first.id);
      assert.equal(pair.route, 'registration');
      assert.equal(pair.organisation_code, 'E09000098');

      for (const stranger of [f.actors.otherLaApprover, f.actors.otherIcbApprover]) {
        assert.deepEqual((await f.services.duplicates.list(stranger)).items, []);
        await assert.rejects(f.services.duplicates.get(stranger, pair.id), NotFoundError);
        await assert.rejects(f.services.duplicates.merge(stranger, pair.id, {}), NotFoundError);
        await assert.rejects(f.services.duplicates.keepSeparate(stranger, pair.id, { reason: 'x' }), NotFoundError);
      }
      for (const role of [f.actors.laPractitioner, f.actors.finance, f.actors.auditor]) await assert.rejects(f.services.duplicates.list(role), ForbiddenError);

      const list = await f.services.duplicates.list(f.actors.laApprover);
      assert.equal(list.items.length, 1);
      const item = list.items[0]!;
      assert.equal(item.id, pair.id);
      assert.equal(item.person.id, first.id);
      assert.deepEqual(item.registeredBy, { code: 'E09000098', name: 'Southvale Borough Council' });
      assert.equal(item.route, 'registration');
      assert.doesNotMatch(JSON.stringify(list), /Zed|Laterecord|E09000098.*since|QZY/);
      assert.doesNotMatch(JSON.stringify(list), new RegExp(second.id));
      assert.equal((await f.services.duplicates.list(f.actors.admin)).items.length, 1);
    });

    test('REG-1 merge: the later record’s facts move into the surviving person, its projections are derived again, both records are audited, and the other organisation sees it as its facts justify', async () => {
      const first = (await f.services.people.search(f.actors.laApprover, { q: NHS[0]! })).items[0]!;
      const second = (await f.services.people.search(f.actors.otherLaPractitioner, { q: NHS[0]! })).items[0]!;
      assert.notEqual(first.id, second.id);
      // Southvale's facts: a stay with a section 3 ending in discharge, and a plan.
      const stay = await f.services.legalHistory.addAdmission(f.actors.otherLaPractitioner, second.id, { hospital: 'Southvale Hospital', admittedOn: '2024-01-10', dischargedOn: '2024-03-01' });
      await f.services.legalHistory.addLegalStatus(f.actors.otherLaPractitioner, second.id, { section: '3', startDate: '2024-01-10', endDate: '2024-03-01', admissionId: stay.id });
      const plan = await f.services.plans.get(f.actors.otherLaPractitioner, second.id);
      await f.services.plans.update(f.actors.otherLaPractitioner, second.id, plan.version, { goals: 'To live near my sister' });
      const before = (await f.services.people.get(f.actors.laApprover, first.id)).status;
      assert.equal(before, 'not-entitled');

      const pair = await pairOf(second.id);
      const merged = await f.services.duplicates.merge(f.actors.laApprover, pair.id, { reason: 'Same NHS number, name and date of birth confirmed with the GP' });
      assert.equal(merged.personId, first.id);
      assert.equal(merged.decision, 'merged');
      assert.equal(merged.moved.admissions, 1);
      assert.equal(merged.moved.legal_statuses, 1);
      assert.equal(merged.moved.residences, 1);
      assert.equal(merged.moved.plans, 1);
      assert.deepEqual(merged.leftBehind, []);

      // Projections through the kernel path: the s3 and discharge make aftercare active.
      assert.equal(merged.status, 'active');
      const summary = await f.database.db.selectFrom('person_summaries').selectAll().where('person_id', '=', first.id).executeTakeFirstOrThrow();
      assert.equal(summary.status, 'active');
      const record = await f.services.people.record(f.actors.laApprover, first.id);
      assert.equal(record.legalHistory.admissions.length, 1);
      assert.equal((await f.services.plans.get(f.actors.laApprover, first.id)).goals, 'To live near my sister');

      // The later record is closed: kept, pointing at the survivor, and found by no one.
      const closed = await f.database.db.selectFrom('people').selectAll().where('id', '=', second.id).executeTakeFirstOrThrow();
      assert.equal(closed.merged_into, first.id);
      assert.ok(closed.merged_at);
      await assert.rejects(f.services.people.get(f.actors.admin, second.id), NotFoundError);
      const adminRegister = await f.services.people.search(f.actors.admin, { q: NHS[0]! });
      assert.deepEqual(adminRegister.items.map((i) => i.id), [first.id]);

      // Southvale registered the person and recorded their detention: normal sight, no back door.
      assert.equal((await f.services.people.get(f.actors.otherLaPractitioner, first.id)).id, first.id);
      assert.deepEqual((await f.services.people.search(f.actors.otherLaPractitioner, { q: NHS[0]! })).items.map((i) => i.id), [first.id]);
      // Southvale's GP registration moved too: its ICB was the GP's ICB before the detention (RESP-5), so
      // it is the proposed ICB and sees the person; an organisation with no fact about them does not.
      assert.equal((await f.services.people.get(f.actors.otherIcbApprover, first.id)).id, first.id);
      await assert.rejects(f.services.people.get(f.actors.practitioner, first.id), NotFoundError);

      const events = await f.database.db.selectFrom('audit_events').select(['action', 'person_id']).where('action', 'in', ['person.merge', 'person.merged-into']).execute();
      assert.deepEqual(events.map((e) => `${e.action}:${e.person_id}`).sort(), [`person.merge:${first.id}`, `person.merged-into:${second.id}`].sort());
      const decision = await pairOf(second.id);
      assert.equal(decision.decision, 'merged');
      assert.equal(decision.decided_by, f.actors.laApprover.userId);

      // The pair leaves the list, and cannot be decided twice.
      assert.deepEqual((await f.services.duplicates.list(f.actors.laApprover)).items, []);
      await assert.rejects(f.services.duplicates.merge(f.actors.laApprover, pair.id, {}), ConflictError);
    });

    test('REG-2 not the same person: refused without a reason; with one the pair leaves the list, both records stay, and the later record is not written to', async () => {
      const first = await registered(NHS[1]!);
      const second = await later(NHS[1]!);
      const pair = await pairOf(second.id);
      await assert.rejects(f.services.duplicates.keepSeparate(f.actors.laApprover, pair.id, {}), (e: unknown) => e instanceof ValidationError && e.errors[0]?.rule === 'REG-2');
      const kept = await f.services.duplicates.keepSeparate(f.actors.laApprover, pair.id, { reason: 'Different dates of birth: the trust is checking its NHS number' });
      assert.deepEqual(kept, { id: pair.id, decision: 'not-the-same', personId: first.id });
      assert.deepEqual((await f.services.duplicates.list(f.actors.laApprover)).items, []);
      assert.equal((await pairOf(second.id)).reason, 'Different dates of birth: the trust is checking its NHS number');
      // Both records stand; Southvale still sees only its own, and no event on it tells it anything.
      assert.equal((await f.services.people.get(f.actors.otherLaPractitioner, second.id)).id, second.id);
      await assert.rejects(f.services.people.get(f.actors.otherLaPractitioner, first.id), NotFoundError);
      const onLater = await f.database.db.selectFrom('audit_events').select('action').where('person_id', '=', second.id).execute();
      assert.ok(onLater.every((e) => !e.action.startsWith('duplicates.') && !e.action.startsWith('person.merge')));
      await assert.rejects(f.services.duplicates.merge(f.actors.laApprover, pair.id, {}), ConflictError);

      // Southvale's finance officer importing a charge by that NHS number reaches Southvale's own record.
      await f.services.accounts.addUser({ email: 'finance@southvale.s117.test', name: 'Southvale Finance', role: 'finance', organisationCode: 'E09000098', password: 'a-southvale-password-117' });
      const finance = actorFromUser((await findUserByEmail(f.database.db, 'finance@southvale.s117.test'))!);
      const imported = await f.services.money.importCharges(finance, `nhsNumber,periodFrom,periodTo,amountPence,paidOn,description\n${NHS[1]},2024-06-01,2024-06-30,1000,2024-07-02,Care\n`);
      assert.deepEqual(imported, { imported: 1, errors: [] });
      const charges = await f.database.db.selectFrom('charges').select('person_id').execute();
      assert.deepEqual(charges.map((c) => c.person_id), [second.id]);
    });

    test('a later record whose NHS number is corrected to one nobody holds is no longer waiting; the registered person’s correction hands the number to the earliest later record', async () => {
      const first = await registered(NHS[2]!);
      const second = await later(NHS[2]!);
      assert.equal((await f.services.duplicates.list(f.actors.laApprover)).items.length, 1);
      // Northbridge finds its own record had the wrong NHS number: the later record becomes the registered one.
      const firstRow = await f.services.people.get(f.actors.laPractitioner, first.id);
      await f.services.people.update(f.actors.laPractitioner, first.id, firstRow.version, { nhsNumber: '9990000050' });
      const secondRow = await f.database.db.selectFrom('people').select(['duplicate_of']).where('id', '=', second.id).executeTakeFirstOrThrow();
      assert.equal(secondRow.duplicate_of, null);
      assert.deepEqual((await f.services.duplicates.list(f.actors.laApprover)).items, []);
      assert.deepEqual((await f.services.duplicates.list(f.actors.admin)).items, []);
    });
  });
}
