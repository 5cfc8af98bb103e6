// The care and support plan use cases on PGlite and PostgreSQL: drafts, versions, conflicts,
// finalising (PLAN-5, PLAN-6), immutability, scoping, PLAN-1's list, PLAN-7's warning and the PDF.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ConflictError, ForbiddenError, NotFoundError, PreconditionRequiredError, ValidationError } from '../../src/services/kernel/errors.ts';
import { testEngines } from '../support/databases.ts';
import { pdfText } from '../support/pdf.ts';
import { completePlanInput, detainedPerson, OTHER_NEED, S117_NEED } from '../support/plans.ts';
import { createServiceFixture, type ServiceFixture } from '../support/services.ts';

async function refusal(promise: Promise<unknown>): Promise<{ field: string; rule?: string }[]> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ValidationError, String(error));
    return error.errors;
  }
  assert.fail('expected a ValidationError');
}

for (const { engine, skip } of await testEngines()) {
  describe(`care and support plans on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    before(async () => {
      f = await createServiceFixture(engine);
    });
    after(async () => {
      await f?.close();
    });

    test('PLAN-4: a draft is created on first read, saved with stable need ids, and finalised into immutable versions', async () => {
      const person = await detainedPerson(f.services, f.actors.practitioner, { givenName: 'Versions' });
      const draft = await f.services.plans.get(f.actors.practitioner, person.id);
      assert.equal(draft.version, 1);
      assert.equal(draft.status, 'draft');
      assert.deepEqual(draft.needs, []);
      assert.equal(draft.latestFinalVersion, null);

      const saved = await f.services.plans.update(f.actors.practitioner, person.id, 1, completePlanInput());
      assert.equal(saved.version, 2);
      assert.equal(saved.needs.length, 2);
      const [a, b] = saved.needs;
      assert.match(a!.id, /^[0-9a-f-]{36}$/);
      assert.deepEqual(saved.itemisation, { s117: [a!.id], notS117: [b!.id] });
      assert.deepEqual(saved.sharedWith, ['Ama Sister']);
      assert.deepEqual(saved.finaliseProblems, []);

      const v1 = await f.services.plans.finalise(f.actors.practitioner, person.id, 2);
      assert.equal(v1.number, 1);
      assert.deepEqual(v1.needs.map((n) => n.id), [a!.id, b!.id]);
      const final = await f.services.plans.get(f.actors.practitioner, person.id);
      assert.equal(final.status, 'final');
      assert.equal(final.finalisedVersion, 1);
      assert.equal(final.version, 3);

      // A final version cannot be finalised again; the next edit starts a new draft, ids kept.
      await assert.rejects(f.services.plans.finalise(f.actors.practitioner, person.id, null), ConflictError);
      const next = await f.services.plans.update(f.actors.practitioner, person.id, 3, { ...completePlanInput(), needs: [{ ...S117_NEED, id: a!.id, howMet: 'Support worker visits twice a day' }] });
      assert.equal(next.status, 'draft');
      assert.equal(next.version, 4);
      assert.equal(next.needs[0]!.id, a!.id);
      assert.equal(next.latestFinalVersion, 1);
      const v2 = await f.services.plans.finalise(f.actors.practitioner, person.id, 4);
      assert.equal(v2.number, 2);
      const list = await f.services.plans.versions(f.actors.practitioner, person.id);
      assert.deepEqual(list.items.map((v) => v.number), [2, 1]);
      assert.equal((await f.services.plans.version(f.actors.practitioner, person.id, '1')).needs[0]!.howMet, S117_NEED.howMet);
      await assert.rejects(f.services.plans.version(f.actors.practitioner, person.id, '3'), NotFoundError);
      await assert.rejects(f.services.plans.version(f.actors.practitioner, person.id, 'x'), NotFoundError);

      // The database itself refuses to change a finalised version.
      await assert.rejects(sql`UPDATE plan_versions SET number = 9 WHERE person_id = ${person.id}`.execute(f.database.db), /cannot be changed/);
      await assert.rejects(sql`DELETE FROM plan_versions WHERE person_id = ${person.id}`.execute(f.database.db), /cannot be changed/);

      const actions = (await f.database.db.selectFrom('audit_events').select('action').where('person_id', '=', person.id).where('action', 'like', 'plan.%').orderBy('seq').execute()).map((r) => r.action);
      assert.deepEqual(actions.slice(0, 4), ['plan.view', 'plan.update', 'plan.finalise', 'plan.view']);
    });

    test('PLAN-3: a new draft names the allocated keyworker', async () => {
      const person = await detainedPerson(f.services, f.actors.practitioner, { givenName: 'Keyworked' });
      await f.database.db
        .insertInto('person_allocations')
        .values({ id: crypto.randomUUID(), person_id: person.id, user_id: f.actors.laPractitioner.userId, organisation_id: f.actors.laPractitioner.organisationId, reason: 'keyworker' })
        .execute();
      const plan = await f.services.plans.get(f.actors.practitioner, person.id);
      assert.equal(plan.keyworker.name, 'Council Practitioner');
      assert.ok(plan.keyworker.contact);
    });

    test('PLAN-3 (issue 9 item 5): one keyworker: a draft that named someone else shows, saves and finalises the allocated keyworker; the allocation is the one place to change it', async () => {
      const person = await detainedPerson(f.services, f.actors.practitioner, { givenName: 'OneKeyworker' });
      const draft = await f.services.plans.get(f.actors.practitioner, person.id);
      await f.services.plans.updateDetails(f.actors.practitioner, person.id, draft.version, { keyworker: { name: 'Someone Typed', contact: '0300 000 0000' } });
      assert.equal((await f.services.plans.get(f.actors.practitioner, person.id)).keyworker.name, 'Someone Typed', 'with none allocated the plan keeps what it says');
      await f.database.db
        .insertInto('person_allocations')
        .values({ id: crypto.randomUUID(), person_id: person.id, user_id: f.actors.laPractitioner.userId, organisation_id: f.actors.laPractitioner.organisationId, reason: 'keyworker' })
        .execute();
      const shown = await f.services.plans.get(f.actors.practitioner, person.id);
      assert.equal(shown.keyworker.name, 'Council Practitioner', 'the plan shows the allocated keyworker, not the typed name');
      await f.services.plans.updateDetails(f.actors.practitioner, person.id, shown.version, { goals: 'Work' });
      const stored = await f.database.db.selectFrom('plans').select('content').where('person_id', '=', person.id).executeTakeFirstOrThrow();
      assert.equal((stored.content as { keyworker: { name: string } }).keyworker.name, 'Council Practitioner', 'and stores it when saved');
    });

    test('a form sends only its own fields: one need added, changed or removed, or the details, leaving the rest of the stored draft', async () => {
      const actor = f.actors.practitioner;
      const person = await detainedPerson(f.services, actor, { givenName: 'Forms' });
      const full = await f.services.plans.update(actor, person.id, 1, completePlanInput());
      const [kept, other] = full.needs;

      const added = await f.services.plans.saveNeed(actor, person.id, full.version, null, { ...S117_NEED, description: 'Somewhere to live', domain: 'accommodation' });
      assert.deepEqual(added.needs.map((n) => n.description), [S117_NEED.description, OTHER_NEED.description, 'Somewhere to live']);
      assert.equal(added.goals, full.goals, 'the details are kept');

      const changed = await f.services.plans.saveNeed(actor, person.id, added.version, other!.id, { ...OTHER_NEED, howMet: 'Physiotherapy twice a week' });
      assert.equal(changed.needs[1]!.id, other!.id);
      assert.equal(changed.needs[1]!.howMet, 'Physiotherapy twice a week');
      assert.equal(changed.needs[0]!.id, kept!.id);

      // Refusals name the need's own fields; a stale version is a conflict; an unknown need is not found.
      const refused = await refusal(f.services.plans.saveNeed(actor, person.id, changed.version, null, { ...OTHER_NEED, s117: true, who: '' }));
      assert.deepEqual(refused.map((e) => e.field).sort(), ['s117', 'who']);
      await assert.rejects(f.services.plans.saveNeed(actor, person.id, 1, other!.id, OTHER_NEED), ConflictError);
      await assert.rejects(f.services.plans.saveNeed(actor, person.id, changed.version, '00000000-0000-4000-8000-000000000009', OTHER_NEED), NotFoundError);
      await assert.rejects(f.services.plans.removeNeed(actor, person.id, changed.version, '00000000-0000-4000-8000-000000000009'), NotFoundError);

      const removed = await f.services.plans.removeNeed(actor, person.id, changed.version, other!.id);
      assert.deepEqual(removed.needs.map((n) => n.id), [kept!.id, added.needs[2]!.id]);

      const { needs: _needs, version: _version, ...details } = completePlanInput({ goals: 'Find work' }) as Record<string, unknown>;
      const detailed = await f.services.plans.updateDetails(actor, person.id, removed.version, details);
      assert.equal(detailed.goals, 'Find work');
      assert.deepEqual(detailed.needs.map((n) => n.id), removed.needs.map((n) => n.id), 'the needs are kept');
      assert.deepEqual(detailed.sharedWith, full.sharedWith);
    });

    test('two people editing the same draft: the stale one gets a conflict, not a lost edit', async () => {
      const person = await detainedPerson(f.services, f.actors.practitioner, { givenName: 'Conflict' });
      await f.services.plans.get(f.actors.practitioner, person.id);
      await f.services.plans.update(f.actors.practitioner, person.id, 1, { goals: 'First' });
      await assert.rejects(f.services.plans.update(f.actors.laPractitioner, person.id, 1, { goals: 'Second' }), ConflictError);
      await assert.rejects(f.services.plans.update(f.actors.laPractitioner, person.id, null, { goals: 'Second', version: 1 }), ConflictError);
      assert.equal((await f.services.plans.get(f.actors.practitioner, person.id)).goals, 'First');
    });

    test('SCOPE-1 and CMP-2: a need marked s117 without both limbs, or without an owner, is refused and nothing is saved', async () => {
      const person = await detainedPerson(f.services, f.actors.practitioner, { givenName: 'Scope' });
      const errors = await refusal(f.services.plans.update(f.actors.practitioner, person.id, null, { needs: [{ ...OTHER_NEED, s117: true }] }));
      assert.deepEqual(errors.map((e) => [e.field, e.rule]), [['needs.0.s117', 'SCOPE-1']]);
      const owner = await refusal(f.services.plans.update(f.actors.practitioner, person.id, null, { needs: [{ ...S117_NEED, who: '' }] }));
      assert.deepEqual(owner.map((e) => [e.field, e.rule]), [['needs.0.who', 'CMP-2']]);
      const future = await refusal(f.services.plans.update(f.actors.practitioner, person.id, null, { copyGivenOn: '2099-01-01' }));
      assert.deepEqual(future.map((e) => e.field), ['copyGivenOn']);
      const plan = await f.services.plans.get(f.actors.practitioner, person.id);
      assert.equal(plan.version, 1);
      // s117 left out: it follows the two-limb test.
      const defaulted = await f.services.plans.update(f.actors.practitioner, person.id, 1, { needs: [{ ...S117_NEED, s117: undefined }, { ...OTHER_NEED, s117: undefined }] });
      assert.deepEqual(defaulted.needs.map((n) => n.s117), [true, false]);
    });

    test('PLAN-5 and PLAN-6: finalising is refused without a contingency plan or a signature and copy date (or reason)', async () => {
      const person = await detainedPerson(f.services, f.actors.practitioner, { givenName: 'Refused' });
      const first = await f.services.plans.update(f.actors.practitioner, person.id, null, completePlanInput({ contingency: null, signature: null, copyGivenOn: null }));
      const errors = await refusal(f.services.plans.finalise(f.actors.practitioner, person.id, null));
      assert.deepEqual([...new Set(errors.map((e) => e.rule))], ['PLAN-5', 'PLAN-6']);
      assert.deepEqual((await f.services.plans.versions(f.actors.practitioner, person.id)).items, []);
      // Replacing the existing draft says which version it replaces (issue 15, probe 11: 428 otherwise).
      await assert.rejects(f.services.plans.update(f.actors.practitioner, person.id, null, completePlanInput()), PreconditionRequiredError);
      await f.services.plans.update(f.actors.practitioner, person.id, first.version, completePlanInput({ signature: { signedOn: null, notSignedReason: 'Declined to sign but agreed the plan' }, copyGivenOn: null }));
      assert.equal((await f.services.plans.finalise(f.actors.practitioner, person.id, null)).number, 1);
    });

    test('only the bodies, the organisations with staff allocated and admins see the plan; only practitioners and admins change it', async () => {
      const person = await detainedPerson(f.services, f.actors.practitioner, { givenName: 'Scoped' });
      await assert.rejects(f.services.plans.get(f.actors.otherLaPractitioner, person.id), NotFoundError);
      await assert.rejects(f.services.plans.pdf(f.actors.otherLaPractitioner, person.id), NotFoundError);
      for (const key of ['laApprover', 'icbApprover', 'finance', 'auditor', 'admin'] as const) assert.equal((await f.services.plans.get(f.actors[key], person.id)).personId, person.id, key);
      await assert.rejects(f.services.plans.update(f.actors.finance, person.id, null, { goals: 'x' }), ForbiddenError);
      await assert.rejects(f.services.plans.finalise(f.actors.auditor, person.id, null), ForbiddenError);
    });

    test('PLAN-1: people detained without a final plan are on the planning list of the organisations that see them', async () => {
      const person = await detainedPerson(f.services, f.actors.practitioner, { givenName: 'Planning', familyName: 'Needed' });
      const listed = async (key: 'practitioner' | 'otherLaPractitioner' | 'admin') => (await f.services.plans.planningNeeded(f.actors[key], {})).items.some((p) => p.id === person.id);
      assert.equal(await listed('practitioner'), true);
      assert.equal(await listed('admin'), true);
      assert.equal(await listed('otherLaPractitioner'), false);
      await f.services.plans.update(f.actors.practitioner, person.id, null, completePlanInput());
      await f.services.plans.finalise(f.actors.practitioner, person.id, null);
      assert.equal(await listed('practitioner'), false);
      const page = await f.services.plans.planningNeeded(f.actors.admin, { limit: '1' });
      assert.equal(page.items.length, 1);
      await assert.rejects(f.services.plans.planningNeeded(f.actors.admin, { cursor: 'nonsense' }), ValidationError);
    });

    test('PLAN-7: leaving hospital without a final plan shows a warning on the register, which clears when the plan is final', async () => {
      const person = await detainedPerson(f.services, f.actors.practitioner, { givenName: 'Discharged', familyName: 'Warning', leftHospitalOn: '2025-03-01' });
      const item = async () => (await f.services.people.search(f.actors.practitioner, { q: 'Discharged Warning' })).items[0]!;
      assert.match((await item()).dischargeWarning ?? '', /without a final care and support plan/);
      const plan = await f.services.plans.get(f.actors.practitioner, person.id);
      assert.equal(plan.dischargeReadiness.level, 'warning');
      await f.services.plans.update(f.actors.practitioner, person.id, null, completePlanInput());
      await f.services.plans.finalise(f.actors.practitioner, person.id, null);
      assert.equal((await item()).dischargeWarning, null);
      assert.equal((await f.services.plans.get(f.actors.practitioner, person.id)).dischargeReadiness.level, 'ok');

      // A planned service not confirmed as in place (the money feature's services.confirmed_on) warns too.
      await f.services.careServices.create(f.actors.practitioner, person.id, {
        description: 'Support worker', category: 'social-care', s117: true, provider: 'Provider',
        funding: { localAuthorityPercent: 100, icbPercent: 0 }, weeklyCostPence: 10000, startDate: '2025-03-01',
      });
      assert.match((await item()).dischargeWarning ?? '', /1 planned service is not confirmed/);
    });

    test('the person’s copy: the latest final version as a PDF in plain English, with large print', async () => {
      const person = await detainedPerson(f.services, f.actors.practitioner, { givenName: 'Copy', familyName: 'Holder' });
      await assert.rejects(f.services.plans.pdf(f.actors.practitioner, person.id), NotFoundError);
      await f.services.plans.update(f.actors.practitioner, person.id, null, completePlanInput());
      await f.services.plans.finalise(f.actors.practitioner, person.id, null);
      const { pdf, number } = await f.services.plans.pdf(f.actors.practitioner, person.id);
      assert.equal(number, 1);
      const text = (await pdfText(pdf)).replace(/\s+/g, ' ');
      for (const expected of ['Your care and support plan', 'free', 'never be charged', 'Help to take medication every day', 'Treatment for a knee injury', 'This is not section 117 aftercare', '0300 555 0199', 'Neighbour looks after the cat', 'Ama Sister', 'Northbridge Borough Council', 'NHS Northbridge ICB', 'Ombudsman', 'within 6 weeks of leaving hospital']) {
        assert.ok(text.includes(expected), `the PDF should say “${expected}”`);
      }
      // REV-1, one date for one fact (issue 9 item 10): the person is still detained, so the register has
      // no review date yet; the copy says when the first review comes, not the date typed into the plan.
      assert.ok(!text.includes('15 January 2027'), 'not the typed date');
      assert.ok(!text.includes('Ben Friend'), 'someone the person did not consent to is not named');
      const large = await f.services.plans.pdf(f.actors.practitioner, person.id, { largePrint: true });
      assert.ok(large.pdf.length > 0 && (await pdfText(large.pdf)).includes('free'));
    });
  });
}
