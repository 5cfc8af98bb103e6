// The people and legal-history use cases on PGlite and PostgreSQL: validation, scoping, versions,
// projections and the audit events written with every change.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../src/services/kernel/errors.ts';
import { testEngines } from '../support/databases.ts';
import { createServiceFixture, NORTHBRIDGE_PERSON, type ServiceFixture } from '../support/services.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`people and legal history on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    before(async () => {
      f = await createServiceFixture(engine);
    });
    after(async () => {
      await f?.close();
    });

    async function auditActions(personId: string): Promise<string[]> {
      const rows = await f.database.db.selectFrom('audit_events').select('action').where('person_id', '=', personId).orderBy('seq').execute();
      return rows.map((r) => r.action);
    }

    test('a person is registered, visible to the bodies where they live and to the registering trust, and audited', async () => {
      const person = await f.services.people.create(f.actors.practitioner, NORTHBRIDGE_PERSON);
      assert.equal(person.nhsNumber, '9990000018');
      assert.equal(person.status, 'not-entitled');
      for (const key of ['practitioner', 'laApprover', 'icbApprover', 'admin'] as const) {
        assert.equal((await f.services.people.get(f.actors[key], person.id)).id, person.id, key);
      }
      await assert.rejects(f.services.people.get(f.actors.otherLaPractitioner, person.id), NotFoundError);
      assert.deepEqual((await auditActions(person.id)).slice(0, 2), ['person.create', 'person.view']);
    });

    test('a duplicate NHS number is refused and nothing is written', async () => {
      const before = await f.database.db.selectFrom('people').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      await assert.rejects(f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: '9990000018' }), ConflictError);
      const afterCount = await f.database.db.selectFrom('people').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(afterCount.n), Number(before.n));
    });

    test('finance and auditors cannot register people', async () => {
      await assert.rejects(f.services.people.create(f.actors.finance, { ...NORTHBRIDGE_PERSON, nhsNumber: null }), ForbiddenError);
      await assert.rejects(f.services.people.create(f.actors.auditor, { ...NORTHBRIDGE_PERSON, nhsNumber: null }), ForbiddenError);
    });

    test('a stale version is refused with a conflict and the record is unchanged', async () => {
      const person = await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: 'Versioned' });
      const updated = await f.services.people.update(f.actors.practitioner, person.id, 1, { familyName: 'Changed' });
      assert.equal(updated.version, 2);
      await assert.rejects(f.services.people.update(f.actors.practitioner, person.id, 1, { familyName: 'Lost' }), ConflictError);
      assert.equal((await f.services.people.get(f.actors.practitioner, person.id)).familyName, 'Changed');
    });

    test('RESP-2: a new residence is kept as history, and a date of death before birth is refused', async () => {
      const person = await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: 'Mover' });
      const moved = await f.services.people.update(f.actors.practitioner, person.id, null, { residence: { localAuthority: 'E09000098', since: '2020-06-01' } });
      assert.deepEqual(moved.residenceHistory.map((r) => r.localAuthority), ['E09000099', 'E09000098']);
      assert.equal(moved.residence?.localAuthority, 'E09000098');
      await assert.rejects(f.services.people.update(f.actors.practitioner, person.id, null, { dateOfDeath: '1970-01-01' }), ValidationError);
    });

    test('ELIG-3: a section 3, its end and leaving hospital make aftercare active, and the register shows it', async () => {
      const person = await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: '9990000026', givenName: 'Active' });
      const stay = await f.services.legalHistory.addAdmission(f.actors.practitioner, person.id, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-10' });
      const s3 = await f.services.legalHistory.addLegalStatus(f.actors.practitioner, person.id, { section: '3', startDate: '2024-01-10', admissionId: stay.id });
      assert.equal((await f.services.legalHistory.aftercare(f.actors.practitioner, person.id)).status, 'planning');
      await f.services.legalHistory.endLegalStatus(f.actors.practitioner, person.id, s3.id, s3.version, { endDate: '2024-03-01' });
      assert.equal((await f.services.legalHistory.aftercare(f.actors.practitioner, person.id)).status, 'entitled-pending-discharge');
      await f.services.legalHistory.recordDischarge(f.actors.practitioner, person.id, stay.id, stay.version, { dischargedOn: '2024-03-05' });
      const aftercare = await f.services.legalHistory.aftercare(f.actors.practitioner, person.id);
      assert.equal(aftercare.status, 'active');
      assert.equal(aftercare.episodes[0]?.leftHospitalOn, '2024-03-05');
      assert.ok(aftercare.explanation.some((e) => e.rule === 'ELIG-3'));
      const found = await f.services.people.search(f.actors.laApprover, { status: 'active', q: 'Active' });
      assert.deepEqual(found.items.map((p) => p.id), [person.id]);
      assert.equal(found.items[0]?.nextReviewDue, '2024-04-16'); // REV-1: 42 days after leaving hospital
      const overdue = await f.services.people.search(f.actors.laApprover, { reviewOverdue: 'true' });
      assert.ok(overdue.items.some((p) => p.id === person.id));
      const actions = await auditActions(person.id);
      for (const action of ['admission.create', 'legal-status.create', 'legal-status.end', 'admission.discharge', 'aftercare.view']) assert.ok(actions.includes(action), action);
    });

    test('a change’s audit event, appended by the statement that saves its projections (ADR 25), names its record, its user and the status it leaves', async () => {
      const person = await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: 'Audited' });
      const stay = await f.services.legalHistory.addAdmission(f.actors.practitioner, person.id, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-10' });
      const s3 = await f.services.legalHistory.addLegalStatus(f.actors.practitioner, person.id, { section: '3', startDate: '2024-01-10', admissionId: stay.id });
      await f.services.legalHistory.endLegalStatus(f.actors.practitioner, person.id, s3.id, s3.version, { endDate: '2024-03-01' });
      const events = await f.database.db.selectFrom('audit_events').select(['action', 'record_type', 'record_id', 'user_id', 'details'])
        .where('person_id', '=', person.id).where('action', 'like', 'legal-status.%').orderBy('seq').execute();
      assert.deepEqual(events.map((e) => [e.action, e.record_type, e.record_id, e.user_id, e.details]), [
        ['legal-status.create', 'legal-status', s3.id, f.actors.practitioner.userId, { status: 'planning' }],
        ['legal-status.end', 'legal-status', s3.id, f.actors.practitioner.userId, { status: 'entitled-pending-discharge' }],
      ]);
      // A change refused rolls its event back with it.
      await assert.rejects(f.services.legalHistory.addLegalStatus(f.actors.practitioner, person.id, { section: '3', startDate: '2999-01-01' }), ValidationError);
      const after = await f.database.db.selectFrom('audit_events').select('action').where('person_id', '=', person.id).where('action', '=', 'legal-status.create').execute();
      assert.equal(after.length, 1);
    });

    test('invalid legal history is refused with its field and changes nothing', async () => {
      const person = await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: 'Invalid' });
      await assert.rejects(
        f.services.legalHistory.addAdmission(f.actors.practitioner, person.id, { hospital: 'X', admittedOn: '2024-02-01', dischargedOn: '2024-01-01' }),
        (error: unknown) => error instanceof ValidationError && error.errors.some((e) => e.field === 'dischargedOn'),
      );
      await assert.rejects(
        f.services.legalHistory.addLegalStatus(f.actors.practitioner, person.id, { section: '99', startDate: '2024-01-01' }),
        (error: unknown) => error instanceof ValidationError && error.errors[0]?.field === 'section',
      );
      await assert.rejects(f.services.legalHistory.addLegalStatus(f.actors.practitioner, person.id, { section: '3', startDate: '2999-01-01' }), ValidationError);
      const history = await f.services.legalHistory.legalHistory(f.actors.practitioner, person.id);
      assert.equal(history.admissions.length + history.legalStatuses.length, 0);
    });

    test('another organisation cannot write to a person it cannot see', async () => {
      const person = await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: 'Private' });
      await assert.rejects(f.services.legalHistory.addAdmission(f.actors.otherLaPractitioner, person.id, { hospital: 'X', admittedOn: '2024-01-01' }), NotFoundError);
      const found = await f.services.people.search(f.actors.otherLaPractitioner, { q: 'Private' });
      assert.equal(found.items.length, 0);
    });

    test('RESP-2..5: responsibility is proposed, then confirmed by an approver of a body concerned, which gives that body sight', async () => {
      const person = await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: 'Confirmed' });
      const s3 = await f.services.legalHistory.addLegalStatus(f.actors.practitioner, person.id, { section: '3', startDate: '2024-05-01' });
      const proposed = await f.services.legalHistory.aftercare(f.actors.practitioner, person.id);
      assert.deepEqual(proposed.episodes[0]?.localAuthority.confirmed, false);
      const decision = { localAuthority: { code: 'E09000098', basis: 'Lived in Southvale before admission (tenancy evidence)' }, icb: { code: 'QZZ', basis: 'GP in Northbridge' } };
      await assert.rejects(f.services.legalHistory.confirmResponsibility(f.actors.practitioner, person.id, s3.id, decision), ForbiddenError);
      await assert.rejects(f.services.legalHistory.confirmResponsibility(f.actors.icbApprover, person.id, '00000000-0000-4000-8000-000000000000', decision), NotFoundError);
      const confirmed = await f.services.legalHistory.confirmResponsibility(f.actors.laApprover, person.id, s3.id, decision);
      const { confirmedBy, confirmedAt, ...la } = confirmed.episodes[0]!.localAuthority;
      assert.deepEqual(la, { code: 'E09000098', basis: decision.localAuthority.basis, confirmed: true });
      // Recorded with who confirmed it and when (issue 9 item 2); the council's lead confirms only the council's part.
      assert.equal(confirmedBy?.name, f.actors.laApprover.name);
      assert.ok(confirmedAt);
      assert.equal(confirmed.episodes[0]?.icb.confirmed, false);
      assert.equal((await f.services.people.get(f.actors.otherLaPractitioner, person.id)).id, person.id);
    });

    test('paging walks the register once, in name order', async () => {
      for (const name of ['Page-a', 'Page-b', 'Page-c', 'Page-d', 'Page-e']) {
        await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: 'Paged', familyName: name });
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await f.services.people.search(f.actors.practitioner, { q: 'Paged', limit: '2', ...(cursor && { cursor }) });
        seen.push(...page.items.map((p) => p.familyName));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      assert.deepEqual(seen, ['Page-a', 'Page-b', 'Page-c', 'Page-d', 'Page-e']);
    });

    test('a failed change leaves no audit event behind (same transaction)', async () => {
      const person = await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: 'Atomic' });
      const before = (await auditActions(person.id)).length;
      await assert.rejects(f.services.people.update(f.actors.practitioner, person.id, 99, { familyName: 'Nope' }), ConflictError);
      assert.equal((await auditActions(person.id)).length, before);
      assert.equal((await f.services.audit.verify()).ok, true);
    });
  });
}
