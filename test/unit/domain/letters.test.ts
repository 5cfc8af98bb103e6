// Issue 9 item 10: letters name a contact with a telephone (LTR-1) and carry a reference (LTR-2); one
// date for the next review (REV-1, nextReviewShown).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { letterContact, letterReference, registerReference, type ContactOrganisation } from '../../../src/domain/letters.ts';
import { nextReviewShown } from '../../../src/domain/reviews.ts';
import { renderLetter } from '../../../src/letters/document.ts';
import { renderTopUpAgreement } from '../../../src/letters/top-up-agreement.ts';
import { pdfText } from '../../support/pdf.ts';

const council: ContactOrganisation = { code: 'E09000099', name: 'Northbridge Borough Council', telephone: '01632 960117', email: 's117@northbridge.example' };
const trust: ContactOrganisation = { code: 'RZZ', name: 'Northbridge Trust', telephone: '01632 960517', email: null };
const silent: ContactOrganisation = { code: 'QZZ', name: 'NHS Northbridge ICB', telephone: null, email: null };

describe('LTR-1: the named contact of a letter', () => {
  const keyworker = { name: 'Kim Keyworker', jobTitle: 'Care co-ordinator', team: 'Community team', phone: '01632 960999', email: null, organisation: trust };
  const sender = { name: 'Sam Sender', email: 'sam@council.example', organisation: council };

  test('LTR-1: the allocated keyworker (PLAN-3) first, with their own telephone, their role and organisation by name with its code', () => {
    assert.deepEqual(letterContact({ keyworker, sender, body: council }), {
      name: 'Kim Keyworker', role: 'Care co-ordinator, Community team', organisation: 'Northbridge Trust (RZZ)', telephone: '01632 960999', email: null,
    });
  });

  test('LTR-1: a keyworker with no telephone of their own gives their organisation’s', () => {
    const c = letterContact({ keyworker: { ...keyworker, phone: null, jobTitle: null, team: null }, sender, body: council });
    assert.equal(c.telephone, '01632 960517');
    assert.equal(c.role, 'Your keyworker');
  });

  test('LTR-1: with no keyworker, the member of staff sending it, with their organisation’s telephone', () => {
    assert.deepEqual(letterContact({ keyworker: null, sender, body: silent }), { name: 'Sam Sender', role: null, organisation: 'Northbridge Borough Council (E09000099)', telephone: '01632 960117', email: 'sam@council.example' });
  });

  test('LTR-1: with no keyworker and no sender (the person downloads it), the responsible body’s section 117 team', () => {
    assert.deepEqual(letterContact({ keyworker: null, sender: null, body: council }), { name: 'Section 117 aftercare team', role: null, organisation: 'Northbridge Borough Council (E09000099)', telephone: '01632 960117', email: 's117@northbridge.example' });
    assert.equal(letterContact({ keyworker: null, sender: null, body: null }).telephone, null);
  });
});

describe('LTR-2: the reference of a letter', () => {
  const id = '1a2b3c4d-0000-4000-8000-000000000001';
  test('LTR-2: the person’s register reference, the kind of letter and which one', () => {
    assert.equal(registerReference(id), 'S117-1A2B3C4D');
    assert.equal(letterReference(id, 'plan', { version: 3 }), 'S117-1A2B3C4D/PLAN-3');
    assert.equal(letterReference(id, 'ending', { on: '2026-12-04' }), 'S117-1A2B3C4D/END-20261204');
    assert.equal(letterReference(id, 'invitation', { on: '2027-01-02' }), 'S117-1A2B3C4D/INV-20270102');
    assert.notEqual(letterReference(id, 'outcome', { on: '2027-01-02' }), letterReference(id, 'invitation', { on: '2027-01-02' }));
  });

  test('LTR-1, LTR-2: the PDF prints the reference under the date, who to contact with the telephone, and is signed by the contact', async () => {
    const contact = letterContact({ keyworker: null, sender: null, body: council });
    const text = await pdfText(await renderLetter({
      title: 'A letter', date: '4 December 2026', blocks: [{ paragraphs: ['Body.'] }], closing: ['Yours sincerely,', 'Northbridge Borough Council'],
      contact, reference: letterReference(id, 'refund', { on: '2026-12-04' }),
    }));
    assert.match(text, /4 December 2026\nOur reference: S117-1A2B3C4D\/REF-20261204/);
    assert.match(text, /Who to contact about this letter/);
    assert.match(text, /Name: Section 117 aftercare team/);
    assert.match(text, /Organisation: Northbridge Borough Council \(E09000099\)/);
    assert.match(text, /Telephone: 01632 960117/);
    assert.match(text, /Please quote: S117-1A2B3C4D\/REF-20261204/);
    assert.match(text, /Yours sincerely,\nSection 117 aftercare team\nOn behalf of Northbridge Borough Council/);
    assert.doesNotMatch(text, /Your aftercare team/);
  });
});

describe('LTR-1, LTR-2 on the top-up agreement (CHG-3)', () => {
  test('LTR-1, LTR-2: the agreement gives the council by name with its code, the named contact with a telephone and the reference', async () => {
    const contact = letterContact({ keyworker: null, sender: { name: 'Sam Sender', email: 'sam@council.example', organisation: council }, body: council });
    const text = await pdfText(await renderTopUpAgreement({
      person: { givenName: 'Ann', familyName: 'Example', dateOfBirth: null, nhsNumber: null },
      localAuthority: council.name, localAuthorityCode: council.code,
      service: { description: 'Care home place', provider: 'Larkspur Care', accommodationType: 'care-home' },
      preferredAccommodation: 'Larkspur House', terms: { additionalCostPencePerWeek: 5000, localAuthorityPaysPencePerWeek: 80000, paymentFrequency: 'monthly', payee: 'provider', reviewProvision: 'Yearly', consequencesOfStoppingPayment: 'Talk to us', consequencesOfPriceRise: 'Talk to us', consequencesOfMeansChange: 'Talk to us' },
      payer: { kind: 'person' }, status: 'draft', signedOn: null, refusedOn: null, refusalReasons: null, date: '2026-12-04',
      contact, reference: letterReference('1a2b3c4d-0000-4000-8000-000000000001', 'top-up', { on: '2026-12-04' }),
    } as Parameters<typeof renderTopUpAgreement>[0]));
    assert.match(text, /Northbridge Borough Council \(E09000099\)\n/);
    assert.match(text, /Our reference: S117-1A2B3C4D\/TOP-20261204/);
    assert.match(text, /Name: Sam Sender/);
    assert.match(text, /Telephone: 01632 960117/);
  });
});

describe('REV-1: one date for one fact', () => {
  test('REV-1: the next review shown is the due date while the episode has a review timetable, and none otherwise', () => {
    assert.equal(nextReviewShown({ status: 'active', reviewDue: '2027-01-13' }), '2027-01-13');
    assert.equal(nextReviewShown({ status: 'planning', reviewDue: '2027-01-13' }), null);
    assert.equal(nextReviewShown({ status: 'ended', reviewDue: '2027-01-13' }), null);
    assert.equal(nextReviewShown({ status: null, reviewDue: '2027-01-13' }), null);
    assert.equal(nextReviewShown({ status: 'active', reviewDue: null }), null);
  });
});
