// Charges and refunds (CHG-2), top-ups (CHG-3), disputes (RESP-6), payments, recharges and spend
// (RESP-1, RESP-7) on PGlite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../src/services/kernel/errors.ts';
import { testEngines } from '../support/databases.ts';
import { pdfText } from '../support/pdf.ts';
import { createServiceFixture, NORTHBRIDGE_PERSON, type ServiceFixture } from '../support/services.ts';

async function rejectsWithRule(promise: Promise<unknown>, rule: string) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ValidationError, String(error));
    assert.ok(error.errors.some((e) => e.rule === rule), JSON.stringify(error.errors));
    return true;
  });
}

const accommodation = {
  description: 'Care home placement',
  category: 'accommodation',
  s117: true,
  scope: { arisesFromMentalDisorder: true, reducesRiskOfDeterioration: true, rationale: 'Staff support prevents relapse' },
  provider: 'Northbridge Care Homes',
  weeklyCostPence: 70000,
  funding: { localAuthorityPercent: 50, icbPercent: 50 },
  startDate: '2024-05-01',
  accommodation: { type: 'care-home', enhancedFeatures: ['24-hour-staff'] },
};

for (const { engine, skip } of await testEngines()) {
  describe(`refunds, top-ups, disputes and recharges on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    let personId: string;
    let serviceId: string;
    const nhsNumber = testNhsNumber(7117);
    before(async () => {
      f = await createServiceFixture(engine, { clock: () => new Date('2025-06-30T12:00:00Z') });
      const person = await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber });
      personId = person.id;
      // Lived in Southvale before: Southvale has a claim to be named in an ordinary-residence dispute (RESP-6).
      await f.services.people.update(f.actors.laPractitioner, personId, null, { residence: { localAuthority: 'E09000098', since: '2005-01-01' } });
      const stay = await f.services.legalHistory.addAdmission(f.actors.practitioner, personId, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-10', dischargedOn: '2024-04-20' });
      await f.services.legalHistory.addLegalStatus(f.actors.practitioner, personId, { section: '3', startDate: '2024-01-10', endDate: '2024-04-20', admissionId: stay.id });
      serviceId = (await f.services.careServices.create(f.actors.laPractitioner, personId, accommodation)).id;
    });
    after(async () => {
      await f?.close();
    });

    let insideId: string;
    test('CHG-2: charges are recorded by finance, and those inside an entitlement are found', async () => {
      const inside = await f.services.money.recordCharge(f.actors.finance, personId, { periodFrom: '2024-05-01', periodTo: '2024-05-31', amountPence: 31000, paidOn: '2024-06-05', description: 'Care home contribution', serviceId });
      insideId = inside.id;
      assert.equal(inside.insideEntitlement, 'whole');
      const before = await f.services.money.recordCharge(f.actors.finance, personId, { periodFrom: '2023-01-01', periodTo: '2023-01-31', amountPence: 5000, paidOn: '2023-02-01', description: 'Home care' });
      assert.equal(before.insideEntitlement, 'none');
      const list = await f.services.money.listCharges(f.actors.finance, personId);
      assert.equal(list.items.length, 2);
      assert.equal(list.entitlements[0]?.from, '2024-04-20');
      await assert.rejects(f.services.money.recordCharge(f.actors.practitioner, personId, { periodFrom: '2024-05-01', periodTo: '2024-05-31', amountPence: 1, paidOn: '2024-06-05', description: 'x' }), ForbiddenError);
      await assert.rejects(f.services.money.listCharges(f.actors.practitioner, personId), ForbiddenError);
      await assert.rejects(f.services.money.listCharges(f.actors.otherLaApprover, personId), NotFoundError);
      await assert.rejects(f.services.money.recordCharge(f.actors.finance, personId, { periodFrom: '2024-05-31', periodTo: '2024-05-01', amountPence: -1, paidOn: '2024-06-05', description: 'x' }), ValidationError);
    });

    test('CHG-2: the import takes a finance CSV all or nothing, naming bad lines', async () => {
      const bad = await f.services.money.importCharges(f.actors.finance, `nhsNumber,periodFrom,periodTo,amountPence,paidOn,description\r\n${nhsNumber},2024-06-01,2024-06-30,30000,2024-07-02,"Care, June"\r\n9990000000,2024-06-01,2024-06-30,1,2024-07-02,x\r\n`);
      assert.equal(bad.imported, 0);
      assert.equal(bad.errors[0]?.line, 3);
      const progress: number[] = [];
      const good = await f.services.money.importCharges(f.actors.finance, `nhsNumber,periodFrom,periodTo,amountPence,paidOn,description\n${nhsNumber},2024-06-01,2024-06-30,30000,2024-07-02,"Care, June"\n`, { onProgress: (done) => progress.push(done) });
      assert.deepEqual(good, { imported: 1, errors: [] });
      assert.deepEqual(progress, [1]);
      const charges = await f.services.money.listCharges(f.actors.finance, personId);
      assert.equal(charges.items.find((c) => c.source === 'import')?.description, 'Care, June');
      await assert.rejects(f.services.money.importCharges(f.actors.finance, 'foo,bar\n1,2\n'), ValidationError);
    });

    let refundId: string;
    test('CHG-2: a refund of a charge outside every entitlement is refused with the rule', async () => {
      const charges = await f.services.money.listCharges(f.actors.finance, personId);
      const outside = charges.items.find((c) => c.insideEntitlement === 'none')!;
      await rejectsWithRule(f.services.money.calculateRefund(f.actors.finance, personId, { chargeIds: [outside.id] }), 'CHG-2');
    });

    test('CHG-2: the refund is calculated with interest, itemised, and totals equal the lines; approved then paid', async () => {
      const r = await f.services.money.calculateRefund(f.actors.finance, personId, { chargeIds: [insideId], calculatedOn: '2025-06-05' });
      refundId = r.id;
      assert.equal(r.lines.length, 1);
      assert.equal(r.totalPrincipalPence, 31000);
      assert.equal(r.interestBasisPoints, 800);
      assert.equal(r.lines[0]!.interestDays, 365);
      assert.equal(r.totalInterestPence, 2480);
      assert.equal(r.totalPence, r.lines.reduce((s, l) => s + l.totalPence, 0));
      assert.equal(r.status, 'calculated');
      // Already refunded charges are not refunded twice.
      await assert.rejects(f.services.money.calculateRefund(f.actors.finance, personId, { chargeIds: [insideId] }), ValidationError);
      await assert.rejects(f.services.money.markRefundPaid(f.actors.finance, personId, r.id, null, { paidOn: '2025-06-20' }), ValidationError);
      await assert.rejects(f.services.money.approveRefund(f.actors.finance, personId, r.id, 99, {}), ConflictError);
      await assert.rejects(f.services.money.approveRefund(f.actors.practitioner, personId, r.id, null, {}), ForbiddenError);
      const approved = await f.services.money.approveRefund(f.actors.laApprover, personId, r.id, r.version, {});
      assert.equal(approved.status, 'approved');
      const paid = await f.services.money.markRefundPaid(f.actors.finance, personId, r.id, approved.version, { paidOn: '2025-06-20', paymentMethod: 'bank transfer', letterSentOn: '2025-06-20' });
      assert.equal(paid.status, 'paid');
      const audit = await f.database.db.selectFrom('audit_events').select(['action']).where('record_id', '=', r.id).execute();
      assert.deepEqual(audit.map((a) => a.action).filter((a) => a !== 'refund.view'), ['refund.calculate', 'refund.approve', 'refund.paid']);
    });

    test('CHG-2: the letter explains the refund in plain English', async () => {
      const text = await pdfText(await f.services.money.refundLetter(f.actors.finance, personId, refundId));
      assert.match(text, /Section 117 aftercare is free/);
      assert.match(text, /£310\.00/);
      assert.match(text, /£24\.80/);
      assert.match(text, /£334\.80/);
      assert.match(text, /sorry/);
      assert.match(text, /Ombudsman/);
      assert.match(text, /bank transfer/);
    });

    let topUpId: string;
    test('CHG-3: a top-up agreement needs every condition and term before signing; the person may pay', async () => {
      const t = await f.services.money.createTopUp(f.actors.laPractitioner, personId, { serviceId, preferredAccommodation: 'Riverside House', conditions: { accommodationType: 'care-home', sameTypeAsDecided: true } });
      topUpId = t.id;
      assert.equal(t.status, 'draft');
      assert.equal(t.conditions.aged18OrOver, true);
      assert.ok(t.missingBeforeSigning.some((m) => m.field === 'terms.consequencesOfPriceRise'));
      await rejectsWithRule(f.services.money.updateTopUp(f.actors.laPractitioner, personId, t.id, t.version, { signedOn: '2025-06-01' }), 'CHG-3');
      const signed = await f.services.money.updateTopUp(f.actors.laPractitioner, personId, t.id, t.version, {
        conditions: { suitable: true, available: true, providerAcceptsTerms: true },
        terms: {
          additionalCostPencePerWeek: 5000,
          localAuthorityPaysPencePerWeek: 70000,
          paymentFrequency: 'monthly',
          payee: 'provider',
          reviewProvision: 'Every year',
          consequencesOfStoppingPayment: 'We talk with you about what happens next',
          consequencesOfPriceRise: 'We agree how a rise is shared',
          consequencesOfMeansChange: 'We review the agreement',
        },
        payer: { kind: 'person' },
        signedOn: '2025-06-01',
      });
      assert.equal(signed.status, 'signed');
      await assert.rejects(f.services.money.updateTopUp(f.actors.laPractitioner, personId, t.id, signed.version, { refusedOn: '2025-06-02', refusalReasons: 'x' }), ConflictError);
      // Someone who may not see money sees no amounts.
      const seen = await f.services.money.listTopUps(f.actors.practitioner, personId);
      assert.equal(seen.items[0]?.terms.additionalCostPencePerWeek, null);
    });

    test('CHG-3: a refusal needs written reasons; only s117 accommodation of a specified type', async () => {
      const t = await f.services.money.createTopUp(f.actors.laPractitioner, personId, { serviceId, preferredAccommodation: 'Hilltop' });
      await rejectsWithRule(f.services.money.updateTopUp(f.actors.laPractitioner, personId, t.id, null, { refusedOn: '2025-06-01' }), 'CHG-3');
      const refused = await f.services.money.updateTopUp(f.actors.laPractitioner, personId, t.id, null, { refusedOn: '2025-06-01', refusalReasons: 'Hilltop cannot meet the person’s needs' });
      assert.equal(refused.status, 'refused');
      const other = await f.services.careServices.create(f.actors.laPractitioner, personId, { ...accommodation, description: 'Day centre', category: 'social-care', accommodation: undefined, funding: { localAuthorityPercent: 100, icbPercent: 0 } });
      await rejectsWithRule(f.services.money.createTopUp(f.actors.laPractitioner, personId, { serviceId: other.id, preferredAccommodation: 'x' }), 'CHG-3');
      assert.ok(topUpId);
    });

    test('RESP-6: a dispute needs an interim funder; deadlines and the organisation’s list', async () => {
      const base = { partyA: { kind: 'local-authority', code: 'E09000099' }, partyB: { kind: 'local-authority', code: 'E09000098' }, subject: 'ordinary-residence', raisedOn: '2025-01-10' };
      await rejectsWithRule(f.services.money.raiseDispute(f.actors.laApprover, personId, { ...base, interimFunderCode: '' }), 'RESP-6');
      await assert.rejects(f.services.money.raiseDispute(f.actors.practitioner, personId, { ...base, interimFunderCode: 'E09000099' }), ForbiddenError);
      const d = await f.services.money.raiseDispute(f.actors.laApprover, personId, { ...base, interimFunderCode: 'E09000099' });
      assert.equal(d.referralDueOn, '2025-05-10');
      assert.equal(d.referralOverdue, true);
      assert.equal(d.personNotTold, true);
      const list = await f.services.money.listDisputes(f.actors.finance);
      assert.equal(list.overdue, 1);
      assert.equal((await f.services.money.listDisputes(f.actors.icbApprover)).items.length, 0);
      const referred = await f.services.money.updateDispute(f.actors.laApprover, personId, d.version, { id: d.id, referredOn: '2025-06-25', personToldOn: '2025-01-11' });
      assert.equal(referred.status, 'referred');
      assert.equal(referred.legalArgumentsDueOn, '2025-07-09');
      await assert.rejects(f.services.money.updateDispute(f.actors.laApprover, personId, d.version, { id: d.id, resolvedOn: '2025-06-26', resolution: 'x' }), ConflictError);
      await assert.rejects(f.services.money.updateDispute(f.actors.laApprover, personId, null, { id: d.id, resolvedOn: '2025-06-26' }), ValidationError);
      const resolved = await f.services.money.updateDispute(f.actors.laApprover, personId, null, { id: d.id, resolvedOn: '2025-06-26', resolution: 'Northbridge accepted responsibility' });
      assert.equal(resolved.status, 'resolved');
    });

    test('RESP-1/RESP-7: payments against shares give the recharge statement, the balance and spend (JSON and CSV)', async () => {
      await f.services.money.recordPayment(f.actors.finance, personId, serviceId, { body: 'local-authority', periodFrom: '2025-01-01', periodTo: '2025-03-31', amountPence: 900000, paidOn: '2025-04-05' });
      await assert.rejects(f.services.money.recordPayment(f.actors.finance, personId, serviceId, { body: 'icb', organisationCode: 'QZZ', periodFrom: '2025-01-01', periodTo: '2025-03-31', amountPence: 1, paidOn: '2025-04-05' }), ForbiddenError);
      await assert.rejects(f.services.money.recordPayment(f.actors.laPractitioner, personId, serviceId, { body: 'local-authority', periodFrom: '2025-01-01', periodTo: '2025-03-31', amountPence: 1, paidOn: '2025-04-05' }), ForbiddenError);
      await assert.rejects(f.services.money.recordPayment(f.actors.finance, personId, serviceId, { body: 'local-authority', periodFrom: '2025-03-31', periodTo: '2025-01-01', amountPence: 1.5, paidOn: '2025-04-05' }), ValidationError);
      const s = await f.services.money.recharges(f.actors.finance, { from: '2025-01-01', to: '2025-03-31' });
      const line = s.lines.find((l) => l.serviceId === serviceId)!;
      assert.equal(line.days, 90);
      assert.equal(line.costPence, 900000);
      assert.equal(line.localAuthorityShare + line.icbShare, line.costPence);
      assert.equal(line.localAuthorityPaid, 900000);
      assert.equal(line.icbOwesLocalAuthority, 450000);
      assert.equal(line.nhsNumber, nhsNumber.replace(/\s/g, ''));
      assert.ok(s.spend.some((r) => r.body === 'icb' && r.agreedPence === 450000));
      const csv = await f.services.money.rechargesCsv(f.actors.finance, { from: '2025-01-01', to: '2025-03-31' });
      assert.match(csv, /^person_id,nhs_number/);
      assert.match(csv, /\r\nTOTAL,/);
      assert.match(csv.split('\r\n')[0]!, /,local_authority_code,icb_code,responsible_from,responsible_to,local_authority_name,icb_name$/);
      assert.match(csv, /Northbridge Borough Council/, 'the council by name beside its code');
      const spendCsv = await f.services.money.spendCsv(f.actors.finance, { from: '2025-01-01', to: '2025-03-31' });
      assert.match(spendCsv, /local-authority,accommodation,Northbridge Care Homes,1,450000,900000/);
      // Admins and auditors see every organisation's people; practitioners see no finance reports.
      assert.equal((await f.services.money.recharges(f.actors.auditor, { from: '2025-01-01', to: '2025-03-31' })).lines.length >= 1, true);
      await assert.rejects(f.services.money.recharges(f.actors.laPractitioner, { from: '2025-01-01', to: '2025-03-31' }), ForbiddenError);
      await assert.rejects(f.services.money.recharges(f.actors.finance, { from: '2025-03-31', to: '2025-01-01' }), ValidationError);
      const audit = await f.database.db.selectFrom('audit_events').select(['action']).where('action', '=', 'finance.recharges').execute();
      assert.ok(audit.length >= 3);
    });
  });
}
