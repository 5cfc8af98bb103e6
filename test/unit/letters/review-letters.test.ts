// The review letters' words (REV-2, REV-3, END-7): what the person is told, in plain English.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { invitationLetterContent, outcomeLetterContent, type OutcomeLetterData } from '../../../src/letters/review-letters.ts';

const person = { givenName: 'Sam', familyName: 'Example', addressLine1: '1 High Street', postcode: 'NB1 1AA' };
const base = { person, localAuthority: 'Northbridge Borough Council', icb: 'NHS Northbridge ICB', today: '2026-06-01' };
const words = (content: ReturnType<typeof invitationLetterContent>) =>
  [content.title, ...content.blocks.flatMap((b) => [b.heading ?? '', ...(b.paragraphs ?? []), ...(b.list ?? []), ...(b.facts ?? []).map((f) => `${f.label}: ${f.value}`)])].join('\n');

describe('review letters', () => {
  test('REV-2: the invitation says when, where, who, that they may bring someone, what it covers, that aftercare is free and how to change the date', () => {
    const text = words(invitationLetterContent({ ...base, invitation: { plannedOn: '2026-06-15', plannedTime: '2pm', place: 'Northbridge Community Centre', invited: ['You', 'Your keyworker'], contact: null } }));
    for (const expected of ['15 June 2026 at 2pm', 'Northbridge Community Centre', 'Your keyworker', 'carer, a family member, a friend or an advocate', 'helping you to stay well', 'aftercare is free', 'different date', 'contact your keyworker']) {
      assert.ok(text.includes(expected), expected);
    }
  });

  const review: OutcomeLetterData['review'] = { heldOn: '2026-05-20', attendees: ['You'], outcome: 'change', planWorking: 'partly', changes: null, servicesChanged: [{ service: 'Day centre', change: 'stopped', detail: null }] };

  test('END-7: the outcome letter lists the services changed and says aftercare carries on', () => {
    const text = words(outcomeLetterContent({ ...base, nextDueOn: '2027-05-20', review }));
    for (const expected of ['Day centre: stopped', 'does not end your section 117 aftercare', 'by 20 May 2027', 'ask for a review sooner', 'complaint', 'Ombudsman']) assert.ok(text.includes(expected), expected);
  });

  test('REV-3: an outcome of considering ending tells the person nothing has ended yet', () => {
    const text = words(outcomeLetterContent({ ...base, nextDueOn: null, review: { ...review, outcome: 'propose-ending', servicesChanged: [] } }));
    assert.ok(text.includes('Nothing has ended yet'));
    assert.ok(text.includes('both the council and the NHS'));
  });
});
