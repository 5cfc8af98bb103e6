// Services, funding policies, budgets and the no-charge export on PGlite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';
import { createServices } from '../../src/services/index.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../src/services/kernel/errors.ts';
import { testEngines } from '../support/databases.ts';
import { createServiceFixture, NORTHBRIDGE_PERSON, type ServiceFixture } from '../support/services.ts';

const service = {
  description: 'Supported living with 24-hour staff',
  category: 'accommodation',
  s117: true,
  scope: { arisesFromMentalDisorder: true, reducesRiskOfDeterioration: true, rationale: 'Staff support prevents relapse' },
  provider: 'Northbridge Housing Trust',
  weeklyCostPence: 100001,
  startDate: '2024-05-01',
  accommodation: { type: 'supported-living', enhancedFeatures: ['24-hour-staff', 'welfare-checks'] },
};

async function rejectsWithRule(promise: Promise<unknown>, rule: string) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ValidationError, String(error));
    assert.ok(error.errors.some((e) => e.rule === rule), JSON.stringify(error.errors));
    return true;
  });
}

for (const { engine, skip } of await testEngines()) {
  describe(`services and funding on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    let personId: string;
    before(async () => {
      f = await createServiceFixture(engine);
      const person = await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: testNhsNumber(4117) });
      personId = person.id;
      const stay = await f.services.legalHistory.addAdmission(f.actors.practitioner, personId, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-10', dischargedOn: '2024-04-20' });
      await f.services.legalHistory.addLegalStatus(f.actors.practitioner, personId, { section: '3', startDate: '2024-01-10', endDate: '2024-04-20', admissionId: stay.id });
    });
    after(async () => {
      await f?.close();
    });

    test('RESP-7: a policy version is made by a lead of the partnership and never changed', async () => {
      await assert.rejects(f.services.fundingPolicies.create(f.actors.otherLaApprover, { partnershipName: 'Northbridge', localAuthority: 'E09000099', icb: 'QZZ', effectiveFrom: '2024-01-01', splits: {} }), ForbiddenError);
      await assert.rejects(f.services.fundingPolicies.create(f.actors.practitioner, { partnershipName: 'Northbridge', localAuthority: 'E09000099', icb: 'QZZ', effectiveFrom: '2024-01-01', splits: {} }), ForbiddenError);
      const v1 = await f.services.fundingPolicies.create(f.actors.laApprover, {
        partnershipName: 'Northbridge s117 partnership',
        localAuthority: 'E09000099',
        icb: 'QZZ',
        effectiveFrom: '2024-01-01',
        splits: { accommodation: { localAuthorityPercent: 50, icbPercent: 50 }, healthcare: { localAuthorityPercent: 0, icbPercent: 100 }, 'social-care': { localAuthorityPercent: 100, icbPercent: 0 } },
      });
      assert.equal(v1.version, 1);
      const v2 = await f.services.fundingPolicies.create(f.actors.icbApprover, { partnershipName: 'Northbridge s117 partnership', localAuthority: 'E09000099', icb: 'QZZ', effectiveFrom: '2030-01-01', splits: { accommodation: { localAuthorityPercent: 70, icbPercent: 30 } } });
      assert.equal(v2.version, 2);
      await assert.rejects(f.database.db.updateTable('funding_policies').set({ effective_from: '2020-01-01' }).where('id', '=', v1.id).execute());
      await rejectsWithRule(f.services.fundingPolicies.create(f.actors.laApprover, { partnershipName: 'x', localAuthority: 'E09000099', icb: 'QZZ', effectiveFrom: '2024-01-01', splits: { healthcare: { localAuthorityPercent: 10, icbPercent: 10 } } }), 'RESP-1');
    });

    let serviceId: string;
    test('an s117 service takes the policy default, records the version, and its shares add up to the cost', async () => {
      const s = await f.services.careServices.create(f.actors.laPractitioner, personId, service);
      serviceId = s.id;
      assert.deepEqual(s.funding, { localAuthorityPercent: 50, icbPercent: 50 });
      assert.equal(s.fundingPolicy?.version, 1);
      assert.equal(s.careType, 'social');
      assert.equal(s.status, 'planned');
      assert.deepEqual(s.weeklyShares, { localAuthorityPence: 50001, icbPence: 50000 });
      assert.equal(s.personContributionPence, 0);
      assert.ok(s.episodeId);
      assert.equal(s.rentMayBeBilled, false);
      assert.ok(s.decisionsNeeded.some((d) => d.rule === 'SCOPE-5'));
      const audit = await f.database.db.selectFrom('audit_events').select(['action', 'details']).where('record_id', '=', s.id).execute();
      assert.equal(audit[0]?.action, 'service.create');
      assert.equal((audit[0]?.details as { weeklyCostPence: number }).weeklyCostPence, 100001);
    });

    test('RESP-7: a different split needs a recorded reason', async () => {
      await rejectsWithRule(f.services.careServices.create(f.actors.laPractitioner, personId, { ...service, funding: { localAuthorityPercent: 80, icbPercent: 20 } }), 'RESP-7');
      const s = await f.services.careServices.create(f.actors.laPractitioner, personId, { ...service, funding: { localAuthorityPercent: 80, icbPercent: 20 }, fundingOverrideReason: 'Agreed at joint panel' });
      assert.equal(s.fundingOverrideReason, 'Agreed at joint panel');
    });

    test('CHG-1, SCOPE-4, SCOPE-3, SCOPE-1: refusals name their rule and write nothing', async () => {
      const count = async () => (await f.database.db.selectFrom('services').select('id').execute()).length;
      const n = await count();
      await rejectsWithRule(f.services.careServices.create(f.actors.laPractitioner, personId, { ...service, personContributionPence: 1000 }), 'CHG-1');
      await rejectsWithRule(f.services.careServices.create(f.actors.laPractitioner, personId, { ...service, accommodation: { type: 'ordinary', enhancedFeatures: [] } }), 'SCOPE-4');
      await rejectsWithRule(f.services.careServices.create(f.actors.laPractitioner, personId, { ...service, category: 'healthcare', accommodation: null, funding: { localAuthorityPercent: 50, icbPercent: 50 }, fundingOverrideReason: 'x' }), 'SCOPE-3');
      await rejectsWithRule(f.services.careServices.create(f.actors.laPractitioner, personId, { ...service, scope: { ...service.scope, reducesRiskOfDeterioration: false } }), 'SCOPE-1');
      await rejectsWithRule(f.services.careServices.create(f.actors.laPractitioner, personId, { ...service, budget: 'personal-health-budget', funding: { localAuthorityPercent: 100, icbPercent: 0 }, fundingOverrideReason: 'x' }), 'DP-3');
      await assert.rejects(f.services.careServices.create(f.actors.laPractitioner, personId, { ...service, funding: { localAuthorityPercent: 50, icbPercent: 40 } }), ValidationError);
      assert.equal(await count(), n);
    });

    test('CHG-1: the database itself refuses a charge on an s117 service', async () => {
      await assert.rejects(f.database.db.updateTable('services').set({ person_contribution_pence: 5 }).where('id', '=', serviceId).execute());
    });

    test('CHG-4: a non-s117 service may carry a charge; it cannot then become s117 while charged', async () => {
      const s = await f.services.careServices.create(f.actors.laPractitioner, personId, { description: 'Gardening help', category: 'social-care', s117: false, provider: 'Garden Co', weeklyCostPence: 5000, personContributionPence: 2000, startDate: '2024-06-01' });
      assert.equal(s.personContributionPence, 2000);
      await rejectsWithRule(f.services.careServices.update(f.actors.laPractitioner, personId, s.id, s.version, { s117: true }), 'CHG-1');
      const changed = await f.services.careServices.update(f.actors.laPractitioner, personId, s.id, s.version, { s117: true, personContributionPence: 0, scope: { arisesFromMentalDisorder: true, reducesRiskOfDeterioration: true, rationale: 'Reassessed' } });
      assert.equal(changed.s117, true);
      assert.equal(changed.version, s.version + 1);
      await assert.rejects(f.services.careServices.update(f.actors.laPractitioner, personId, s.id, s.version, { description: 'Stale' }), ConflictError);
    });

    test('SCOPE-5: the decision on rent is recorded with who made it, and the person is still not billed', async () => {
      const current = await f.services.careServices.get(f.actors.laApprover, personId, serviceId);
      const decided = await f.services.careServices.update(f.actors.laApprover, personId, serviceId, current.version, {
        accommodation: { ...service.accommodation, rentDecision: { decision: 'included-in-aftercare', reason: 'Joint policy: rent is part of the placement', decidedOn: '2024-05-01' } },
      });
      assert.equal(decided.accommodation?.rentDecision?.decidedBy, f.actors.laApprover.userId);
      assert.equal(decided.rentMayBeBilled, false);
      assert.ok(!decided.decisionsNeeded.some((d) => d.rule === 'SCOPE-5'));
    });

    test('CHG-1 (property): no sequence of creates and edits through the service leaves a charge on an s117 service', async () => {
      const change = fc.record(
        {
          s117: fc.boolean(),
          personContributionPence: fc.constantFrom(0, 1, 500),
          funding: fc.constantFrom({ localAuthorityPercent: 50, icbPercent: 50 }, { localAuthorityPercent: 30, icbPercent: 80 }),
          fundingOverrideReason: fc.constant('Agreed at panel'),
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(fc.boolean(), fc.constantFrom(0, 700), fc.array(change, { maxLength: 6 }), async (s117, contribution, changes) => {
          let created;
          try {
            created = await f.services.careServices.create(f.actors.laPractitioner, personId, { description: 'Day centre', category: 'social-care', s117, provider: 'Day Co', weeklyCostPence: 10000, personContributionPence: contribution, startDate: '2024-06-01', funding: { localAuthorityPercent: 100, icbPercent: 0 } });
          } catch (error) {
            assert.ok(error instanceof ValidationError);
            assert.ok(s117 && contribution > 0);
            return;
          }
          for (const c of changes) {
            const current = await f.services.careServices.get(f.actors.laPractitioner, personId, created.id);
            await f.services.careServices.update(f.actors.laPractitioner, personId, created.id, current.version, c).catch((error: unknown) => assert.ok(error instanceof ValidationError, String(error)));
            const row = await f.database.db.selectFrom('services').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
            if (row.s117) assert.equal(row.person_contribution_pence, 0);
            assert.equal(row.la_percent + row.icb_percent, 100);
          }
        }),
        { numRuns: 12 },
      );
    });

    test('PLAN-7 and ending: a service is confirmed and ended', async () => {
      const current = await f.services.careServices.get(f.actors.laPractitioner, personId, serviceId);
      const confirmed = await f.services.careServices.confirm(f.actors.laPractitioner, personId, serviceId, current.version, { confirmedOn: '2024-05-01' });
      assert.equal(confirmed.confirmedOn, '2024-05-01');
      assert.equal(confirmed.status, 'confirmed');
      await assert.rejects(f.services.careServices.end(f.actors.laPractitioner, personId, serviceId, confirmed.version, { endDate: '2024-01-01' }), ValidationError);
      const ended = await f.services.careServices.end(f.actors.laPractitioner, personId, serviceId, confirmed.version, { endDate: '2024-12-31' });
      assert.equal(ended.endDate, '2024-12-31');
      assert.equal(ended.status, 'ended');
    });

    test('who sees money: the trust practitioner records but sees no amounts; others see nothing of the person', async () => {
      const list = await f.services.careServices.list(f.actors.practitioner, personId);
      assert.equal(list.moneyVisible, false);
      assert.ok(list.items.every((s) => s.weeklyCostPence === null && s.weeklyShares === null));
      const forFinance = await f.services.careServices.list(f.actors.finance, personId);
      assert.equal(forFinance.moneyVisible, true);
      assert.ok(forFinance.items.every((s) => typeof s.weeklyCostPence === 'number'));
      await assert.rejects(f.services.careServices.list(f.actors.otherLaPractitioner, personId), NotFoundError);
      await assert.rejects(f.services.careServices.create(f.actors.auditor, personId, service), ForbiddenError);
    });

    test('DP-1 to DP-3: budgets, their payee checks and review clocks, projected for the overdue lists', async () => {
      const s = await f.services.careServices.create(f.actors.laPractitioner, personId, { description: 'Personal assistant', category: 'social-care', s117: true, provider: 'Self-employed PA', weeklyCostPence: 30000, startDate: '2024-07-01' });
      await rejectsWithRule(f.services.budgets.create(f.actors.laPractitioner, personId, { kind: 'personal-health-budget', serviceIds: [s.id], startDate: '2024-07-01', amountPencePerWeek: 30000 }), 'DP-3');
      await rejectsWithRule(f.services.budgets.create(f.actors.laPractitioner, personId, { kind: 'direct-payment', serviceIds: [s.id], startDate: '2024-07-01', amountPencePerWeek: 30000, payeeRelationship: 'close-relative', payeeLivesInSameHousehold: true }), 'DP-1');
      const b = await f.services.budgets.create(f.actors.laPractitioner, personId, { kind: 'direct-payment', serviceIds: [s.id], startDate: '2024-07-01', amountPencePerWeek: 30000 });
      assert.equal(b.holderBody, 'local-authority');
      assert.equal(b.holderCode, 'E09000099');
      assert.equal(b.reviewDueOn, '2025-01-01');
      const summary = async () => (await f.database.db.selectFrom('person_summaries').selectAll().where('person_id', '=', personId).executeTakeFirstOrThrow()).budget_review_due;
      assert.equal(await summary(), '2025-01-01');
      const reviewed = await f.services.budgets.recordReview(f.actors.laPractitioner, personId, b.id, { heldOn: '2024-12-01' });
      assert.equal(reviewed.reviewDueOn, '2025-12-01');
      assert.equal(await summary(), '2025-12-01');
      assert.equal((await f.services.budgets.list(f.actors.practitioner, personId)).items[0]?.amountPencePerWeek, null);
    });

    test('DP-1, DP-2: who may have a budget, the care-home limit, the PHB care plan, changes, reductions, triggers, ending and paging', async () => {
      const la = f.actors.laPractitioner;
      const pa = await f.services.careServices.create(la, personId, { description: 'Personal assistant hours', category: 'social-care', s117: true, provider: 'Self-employed PA', weeklyCostPence: 20000, startDate: '2025-01-01' });
      const dp = { kind: 'direct-payment', serviceIds: [pa.id], startDate: '2025-01-01', amountPencePerWeek: 20000 };
      await rejectsWithRule(f.services.budgets.create(la, personId, { ...dp, drugOrAlcoholRequirement: true }), 'DP-1');
      await rejectsWithRule(f.services.budgets.create(la, personId, { ...dp, capacity: 'lacks' }), 'DP-1');
      await rejectsWithRule(f.services.budgets.create(la, personId, { ...dp, capacity: 'lacks', authorisedPerson: { name: 'Care Agency Manager', relationship: 'professional' }, consultationRecordedOn: '2024-12-01' }), 'DP-1');
      const managed = await f.services.budgets.create(la, personId, { ...dp, capacity: 'lacks', authorisedPerson: { name: 'Care Agency Manager', relationship: 'professional' }, consultationRecordedOn: '2024-12-01', enhancedDbsCheckedOn: '2024-11-20' });
      assert.equal(managed.authorisedPerson?.relationship, 'professional');

      // DP-1(e): care-home accommodation for at most 4 consecutive weeks, unless the authority is in Sch 2.
      const home = await f.services.careServices.create(la, personId, { ...service, description: 'Respite in a care home', category: 'accommodation', startDate: '2025-02-01', accommodation: { type: 'care-home', enhancedFeatures: ['24-hour-staff'] }, funding: { localAuthorityPercent: 100, icbPercent: 0 }, fundingOverrideReason: 'Respite is social care' });
      const respite = { kind: 'direct-payment', serviceIds: [home.id], startDate: '2025-02-01', amountPencePerWeek: 90000 };
      await rejectsWithRule(f.services.budgets.create(la, personId, respite), 'DP-1');
      await rejectsWithRule(f.services.budgets.create(la, personId, { ...respite, endDate: '2025-03-01' }), 'DP-1');
      assert.equal((await f.services.budgets.create(la, personId, { ...respite, endDate: '2025-02-28' })).endDate, '2025-02-28');
      // Issue 15, money 2: across all of the person's direct payments, over a rolling 12 months. A second
      // two-week stay three weeks later adds to the first (less than 4 weeks apart): 6 weeks, refused.
      await rejectsWithRule(f.services.budgets.create(la, personId, { ...respite, startDate: '2025-03-21', endDate: '2025-04-03' }), 'DP-1');
      // Four weeks or more after it, a new period may start.
      assert.equal((await f.services.budgets.create(la, personId, { ...respite, startDate: '2025-03-29', endDate: '2025-04-03' })).endDate, '2025-04-03');
      const sch2 = createServices(f.database.db, { dpCareHomeSch2: true }).budgets;
      assert.equal((await sch2.create(la, personId, respite)).endDate, null);

      // DP-2: consent, the payee check and the care plan before paying.
      const nurse = await f.services.careServices.create(la, personId, { description: 'Community nursing', category: 'healthcare', careType: 'health', s117: true, provider: 'Northbridge Trust', weeklyCostPence: 15000, startDate: '2025-01-01', funding: { localAuthorityPercent: 0, icbPercent: 100 }, fundingOverrideReason: 'Health care' });
      const phb = { kind: 'personal-health-budget', serviceIds: [nurse.id], startDate: '2025-01-01', amountPencePerWeek: 15000 };
      await rejectsWithRule(f.services.budgets.create(la, personId, phb), 'DP-2');
      await rejectsWithRule(f.services.budgets.create(la, personId, { ...phb, consents: true, payeeRelationship: 'close-relative', payeeLivesInSameHousehold: true }), 'DP-2');
      await rejectsWithRule(f.services.budgets.create(la, personId, { ...phb, consents: true, refusedOn: '2025-01-01' }), 'DP-2');
      await assert.rejects(f.services.budgets.create(la, personId, { ...phb, consents: true, payingFrom: '2025-01-01', carePlan: { careCoordinator: 'A Co-ordinator' } }), (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.ok(e.errors.some((x) => x.field === 'carePlan' && x.rule === 'DP-2' && /health needs and outcomes/.test(x.message)));
        assert.ok(!e.errors.some((x) => x.field === 'carePlan.careCoordinator'));
        return true;
      });
      const b = await f.services.budgets.create(la, personId, { ...phb, consents: true });
      assert.equal(b.carePlanMissing.length, 7);
      await assert.rejects(f.services.budgets.update(la, personId, b.id, b.version + 1, { amountPencePerWeek: 1 }), ConflictError);
      await rejectsWithRule(f.services.budgets.update(la, personId, b.id, b.version, { payingFrom: '2025-01-01' }), 'DP-2');
      const plan = { healthNeedsAndOutcomes: 'Stay well at home', services: 'Nursing visits', amountAndPaymentIntervals: '£150 a week, paid every 4 weeks', careCoordinator: 'Care Co-ordinator', conditionMonitoring: 'Community team', firstReviewOn: '2025-04-01', reductionNoticeDays: 28 };
      const paying = await f.services.budgets.update(la, personId, b.id, b.version, { payingFrom: '2025-01-01', carePlan: plan });
      assert.equal(paying.version, b.version + 1);
      assert.deepEqual(paying.carePlanMissing, []);

      await rejectsWithRule(f.services.budgets.update(la, personId, b.id, paying.version, { amountPencePerWeek: 100 }), 'DP-2');
      // DP-2: a reduction after the notice period; a further review asked for makes a review due.
      await rejectsWithRule(f.services.budgets.recordReduction(la, personId, b.id, paying.version, { newAmountPencePerWeek: 10000, noticeGivenOn: '2025-06-01', effectiveOn: '2025-06-20' }), 'DP-2');
      const reduced = await f.services.budgets.recordReduction(la, personId, b.id, paying.version, { newAmountPencePerWeek: 10000, noticeGivenOn: '2025-06-01', effectiveOn: '2025-06-29', furtherReviewRequestedOn: '2025-06-05' });
      assert.equal(reduced.amountPencePerWeek, 10000);
      assert.equal(reduced.reductions[0]?.previousAmountPencePerWeek, 15000);
      assert.equal(reduced.reviewDueOn, '2025-04-01'); // first review (3 months) is sooner still

      // DP-1(d): a suspected breach makes a review due now; the overdue list sees it.
      const triggered = await f.services.budgets.recordReviewTrigger(la, personId, managed.id, { kind: 'suspected-breach', occurredOn: '2025-03-01' });
      assert.equal(triggered.reviewDueOn, '2025-03-01');
      assert.equal(triggered.reviewOverdue, true);
      const after = await f.services.budgets.recordReview(la, personId, managed.id, { heldOn: '2025-03-10', reason: 'suspected-breach' });
      assert.equal(after.reviewDueOn, '2026-03-10');

      // Ending: with a date and reason, once.
      const ended = await f.services.budgets.end(la, personId, managed.id, after.version, { endDate: '2025-12-31', reason: 'The person chose a managed service' });
      assert.equal(ended.endDate, '2025-12-31');
      assert.equal(ended.reviewDueOn, null);
      await assert.rejects(f.services.budgets.end(la, personId, managed.id, ended.version, { endDate: '2026-01-31', reason: 'again' }), ValidationError);
      await assert.rejects(f.services.budgets.end(f.actors.otherLaPractitioner, personId, managed.id, null, { endDate: '2026-01-31', reason: 'x' }), NotFoundError);
      await assert.rejects(f.services.budgets.update(f.actors.auditor, personId, managed.id, null, { amountPencePerWeek: 1 }), ForbiddenError);

      // Paging: a keyset on (start date, id); every budget once; a bogus cursor is refused.
      const all = (await f.services.budgets.list(la, personId, { limit: 500 })).items;
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await f.services.budgets.list(la, personId, { limit: 2, ...(cursor && { cursor }) });
        assert.ok(page.items.length <= 2);
        seen.push(...page.items.map((x) => x.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      assert.deepEqual(seen, all.map((x) => x.id));
      await assert.rejects(f.services.budgets.list(la, personId, { cursor: 'not-a-cursor' }), ValidationError);
      await assert.rejects(f.services.budgets.list(la, personId, { limit: 501 }), ValidationError);
      await assert.rejects(f.services.budgets.list(la, personId, { limit: 0 }), ValidationError);
    });

    test('CHG-1: the finance export lists the s117 services of the organisation’s people, audited', async () => {
      const { csv, rows } = await f.services.careServices.noChargeCsv(f.actors.finance);
      const lines = csv.trimEnd().split('\r\n');
      assert.equal(lines[0], 'person_id,nhs_number,local_id,service_id,description,category,service_start_date,service_end_date,entitlement_from,entitlement_to,instruction');
      assert.equal(lines.length - 1, rows);
      assert.ok(rows >= 3);
      assert.ok(lines.slice(1).every((l) => l.startsWith(personId) && l.includes('must not be charged')));
      assert.ok(lines.some((l) => l.includes(',2024-04-20,')), 'entitlement from leaving hospital');
      assert.equal((await f.services.careServices.noChargeCsv(f.actors.otherLaApprover.role === 'approver' ? f.actors.admin : f.actors.admin)).rows >= rows, true);
      await assert.rejects(f.services.careServices.noChargeCsv(f.actors.practitioner), ForbiddenError);
      const audit = await f.database.db.selectFrom('audit_events').select('action').where('action', '=', 'finance.no-charge-export').execute();
      assert.ok(audit.length >= 1);
    });
  });
}
