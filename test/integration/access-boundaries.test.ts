// Where one organisation's reach ends: sight of a person is never handed to an organisation by
// someone outside it, and lists that span people are scoped like the register (review findings).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ForbiddenError, NotFoundError, ValidationError } from '../../src/services/kernel/errors.ts';
import { testEngines } from '../support/databases.ts';
import { createServiceFixture, NORTHBRIDGE_PERSON, type ServiceFixture } from '../support/services.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`access boundaries on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    let personId: string;
    before(async () => {
      f = await createServiceFixture(engine);
      personId = (await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: null })).id;
    });
    after(async () => {
      await f?.close();
    });

    test('PLAN-3: a keyworker from an organisation without sight of the person cannot be allocated, so it gains no sight', async () => {
      await assert.rejects(f.services.keyworkers.allocate(f.actors.practitioner, personId, { userId: f.actors.otherLaPractitioner.userId }), ForbiddenError);
      await assert.rejects(f.services.people.get(f.actors.otherLaPractitioner, personId), NotFoundError);
      const allocated = await f.services.keyworkers.allocate(f.actors.laApprover, personId, { userId: f.actors.laPractitioner.userId });
      assert.equal(allocated.current?.userId, f.actors.laPractitioner.userId);
    });

    test('RESP-2..5: an approver cannot make itself concerned by naming its own organisation', async () => {
      const s3 = await f.services.legalHistory.addLegalStatus(f.actors.practitioner, personId, { section: '3', startDate: '2024-05-01' });
      // The other council's approver cannot even see the person...
      await assert.rejects(
        f.services.legalHistory.confirmResponsibility(f.actors.otherLaApprover, personId, s3.id, { localAuthority: { code: 'E09000098', basis: 'us' }, icb: { code: 'QZY', basis: 'us' } }),
        NotFoundError,
      );
      // ...and an ICB approver of another ICB given sight by allocation could not name itself either:
      // only the bodies already proposed or confirmed for the episode (and admins) confirm.
      await assert.rejects(
        f.services.legalHistory.confirmResponsibility(f.actors.otherIcbApprover, personId, s3.id, { localAuthority: { code: 'E09000099', basis: 'x' }, icb: { code: 'QZY', basis: 'x' } }),
        (error: unknown) => error instanceof NotFoundError || error instanceof ForbiddenError,
      );
    });

    test('CMP-1: a complaint links only to decisions recorded for the same person', async () => {
      const complaint = { against: 'both', route: 'formal', receivedOn: '2026-01-10', subject: 'Charged for aftercare' };
      const someoneElses = '00000000-0000-4000-8000-000000000001';
      await assert.rejects(
        f.services.complaints.create(f.actors.laPractitioner, personId, { ...complaint, linkedDecisionIds: [someoneElses] }),
        (error: unknown) => error instanceof ValidationError && error.errors[0]?.rule === 'CMP-1',
      );
      const s3 = await f.database.db.selectFrom('responsibility_decisions').select('id').where('person_id', '=', personId).execute();
      const created = await f.services.complaints.create(f.actors.laPractitioner, personId, { ...complaint, linkedDecisionIds: s3.map((r) => r.id) });
      assert.ok(created.id);
    });

    test('PLAN-4: reading a plan writes nothing (an auditor changes nothing), and the first save stores it', async () => {
      const count = async () => Number((await f.database.db.selectFrom('plans').select((eb) => eb.fn.countAll<number>().as('n')).where('person_id', '=', personId).executeTakeFirstOrThrow()).n);
      const read = await f.services.plans.get(f.actors.auditor, personId);
      assert.equal(read.version, 1);
      assert.equal(await count(), 0);
      await f.services.plans.update(f.actors.practitioner, personId, read.version, { goals: 'To live in my own flat' });
      assert.equal(await count(), 1);
    });

    test('an auditor sees only the disputes of people its organisation may see', async () => {
      const other = await f.services.people.create(f.actors.otherLaPractitioner, {
        ...NORTHBRIDGE_PERSON,
        nhsNumber: null,
        givenName: 'Southvale',
        residence: { localAuthority: 'E09000098', since: '2015-01-01' },
        gp: { icb: 'QZY', since: '2015-01-01' },
      });
      await f.services.money.raiseDispute(f.actors.otherLaApprover, other.id, {
        partyA: { kind: 'local-authority', code: 'E09000098' },
        partyB: { kind: 'icb', code: 'QZY' },
        subject: 'funding-split',
        interimFunderCode: 'E09000098',
        raisedOn: '2026-01-05',
      });
      assert.equal((await f.services.money.listDisputes(f.actors.otherLaApprover)).items.length, 1);
      const seen = await f.services.money.listDisputes(f.actors.auditor);
      assert.equal(seen.items.length, 0, 'the Northbridge auditor must not see a Southvale dispute');
    });
  });
}
