// Issue 15, money 3: the reminders include budget reviews (DP-1(d), DP-2): an s117 lead of the
// responsible body is told of a direct payment whose review is overdue, with initials and a link
// only, on PGlite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';
import { reminderEmail } from '../../src/services/reminders/reminders-service.ts';
import { testEngines } from '../support/databases.ts';
import { createServiceFixture, NORTHBRIDGE_PERSON, type ServiceFixture } from '../support/services.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`budget reviews in the reminders on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    let personId: string;
    before(async () => {
      f = await createServiceFixture(engine, { clock: () => new Date('2025-06-30T12:00:00Z') });
      personId = (await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: testNhsNumber(7401), givenName: 'Bea', familyName: 'Budget' })).id;
      const stay = await f.services.legalHistory.addAdmission(f.actors.practitioner, personId, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-10', dischargedOn: '2024-03-01' });
      await f.services.legalHistory.addLegalStatus(f.actors.practitioner, personId, { section: '3', startDate: '2024-01-10', endDate: '2024-03-01', admissionId: stay.id });
      // Reviewed on 1 June 2025 (REV-1 not due), a direct payment from July 2024 never reviewed: due by January 2025 (DP-1(d)).
      await f.services.reviews.record(f.actors.laPractitioner, personId, { heldOn: '2025-06-01', attendees: ['Bea'], outcome: 'continue', notes: 'Going well' });
      const pa = await f.services.careServices.create(f.actors.laPractitioner, personId, { description: 'Personal assistant hours', category: 'social-care', s117: true, provider: 'Self-employed PA', weeklyCostPence: 20000, startDate: '2024-07-01', funding: { localAuthorityPercent: 100, icbPercent: 0 } });
      await f.services.budgets.create(f.actors.laPractitioner, personId, { kind: 'direct-payment', serviceIds: [pa.id], startDate: '2024-07-01', amountPencePerWeek: 20000 });
    });
    after(async () => f?.close());

    test('DP-1(d): the council’s s117 lead is reminded of an overdue direct payment review, by initials and link', async () => {
      const reminders = await f.services.reminders.plan();
      const lead = reminders.find((r) => r.to.email === 'la-approver@s117.test');
      assert.ok(lead, JSON.stringify(reminders.map((r) => r.to.email)));
      assert.deepEqual(lead.budgetReviews.map((b) => [b.personId, b.initials, b.overdue]), [[personId, 'B.B.', true]]);
      assert.equal(lead.reviews.some((r) => r.personId === personId), false, 'the REV-1 review is not due');
      const email = reminderEmail(lead, 'https://s117.example', '2025-06-30');
      assert.match(email.subject, /1 budget review due or overdue/);
      assert.match(email.text, /Direct payment and personal health budget reviews/);
      assert.match(email.text, new RegExp(`B\\.B\\. budget review was due .*https://s117\\.example/people/${personId}/services`));
      assert.doesNotMatch(email.text, /Budget|Bea/);
    });
  });
}
