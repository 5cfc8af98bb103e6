// Issue 11, "Plain English, measured": every state of every page of the person's own view, and the
// letters to the person, read at or below Flesch-Kincaid grade 5.5 with reading ease at or above 75.
// The pages carry the register's own words and a synthetic person's plan written plainly, as the
// plan's authors are asked to write it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { MAX_GRADE, MIN_EASE, letterText, pageText, readingOf } from '../support/readability.ts';
import {
  actorOf, approvedRefund, callBack, endAftercare, identityFor, PERSON, personWithAftercare, personWithout, postForm, signInAsPerson, startTestProvider, throughProvider, type Jar,
} from '../support/your-aftercare.ts';
import type { RunningIdentityProvider } from '../../src/cli/identity-provider.ts';
import { findPerson } from '../../src/data/people-repository.ts';
import { DEFAULT_LAW_SETTINGS } from '../../src/domain/aftercare.ts';
import { todayInLondon } from '../../src/domain/dates.ts';
import { endingLetterContent } from '../../src/letters/ending-letter.ts';
import { refundLetterContent } from '../../src/letters/refund-letter.ts';
import { moneyContext } from '../../src/services/care-services/money-context.ts';
import { refundLetterPart } from '../../src/services/refunds/refunds-service.ts';
import { invitationLetterContent, outcomeLetterContent } from '../../src/letters/review-letters.ts';
import { endingLetterPart } from '../../src/services/ending/ending-proposals.ts';
import { planLetterPart } from '../../src/services/plans/plans-service.ts';
import { reviewLetterPart } from '../../src/services/reviews/reviews-service.ts';

function assertPlain(what: string, text: string) {
  const r = readingOf(text);
  assert.ok(r.words > 0, `${what}: no words`);
  assert.ok(r.grade <= MAX_GRADE && r.ease >= MIN_EASE, `${what}: grade ${r.grade.toFixed(2)} (at most ${MAX_GRADE}), ease ${r.ease.toFixed(1)} (at least ${MIN_EASE}), ${r.words} words in ${r.sentences} sentences:\n${r.text.replace(/\n\s*\n+/g, '\n')}`);
}

describe('plain English on the person’s pages and letters', () => {
  let t: TestApp;
  let idp: RunningIdentityProvider;
  let personId: string;
  let endedId: string;
  let proposal: { episodeId: string; proposalId: string };
  let review: { id: string };
  let invitation: { id: string };
  const jars: Record<string, Jar> = {};
  const page = async (who: string, url: string) => {
    const res = await t.app.inject({ method: 'GET', url, headers: { cookie: jars[who]?.header() ?? '' } });
    assert.ok(res.statusCode < 500, `${url}: ${res.statusCode}`);
    return res.body;
  };

  before(async () => {
    t = await createTestApp('pglite');
    idp = await startTestProvider();
    t.services.signIn.configure(identityFor(idp.issuer));
    const practitioner = await actorOf(t, 'laPractitioner');
    personId = (await personWithAftercare(t.services, practitioner, practitioner.userId, { nhsNumber: PERSON.nhsNumber })).id;
    endedId = (await personWithAftercare(t.services, practitioner, practitioner.userId, { nhsNumber: PERSON.ended })).id;
    proposal = await endAftercare(t, endedId);
    await personWithout(t.services, practitioner, { nhsNumber: PERSON.inHospital, detained: true });
    await personWithout(t.services, practitioner, { nhsNumber: PERSON.none, detained: false });
    review = await t.services.reviews.record(practitioner, personId, { heldOn: '2025-06-01', attendees: ['Sam', 'Keyworker'], outcome: 'continue', notes: 'Staff note', personViews: 'I like my support worker', planWorking: 'yes' });
    invitation = await t.services.reviews.invite(practitioner, personId, { plannedOn: '2027-01-10', place: 'Your home', invited: ['Sam', 'Keyworker'] });
    jars.own = await signInAsPerson(t, 'person-p9');
    jars.ended = await signInAsPerson(t, 'ended-p9');
    jars.inHospital = await signInAsPerson(t, 'in-hospital-p9');
    jars.none = await signInAsPerson(t, 'none-p9');
  });
  after(async () => {
    await t?.close();
    await idp?.close();
  });

  test('every page state of a person with aftercare', async () => {
    for (const url of [
      '/your-aftercare', '/your-aftercare?sent=review', '/your-aftercare?sent=wrong', '/your-aftercare?sent=advocate',
      '/your-aftercare/plan', '/your-aftercare/plan/easy-read', '/your-aftercare/letters', '/your-aftercare/review', '/your-aftercare/something-wrong',
      '/your-aftercare/advocate', '/your-aftercare/sharing', '/your-aftercare/sharing?done=added', '/your-aftercare/sharing?done=stopped',
      '/your-aftercare/letters/other/1',
    ]) assertPlain(url, pageText(await page('own', url)));
  });

  test('forms sent back with their errors, and after asking', async () => {
    const states: [string, string, Record<string, string>][] = [
      ['/your-aftercare/something-wrong', '/your-aftercare/something-wrong', { subject: '' }],
      ['/your-aftercare/advocate', '/your-aftercare/advocate', {}],
      ['/your-aftercare/advocate', '/your-aftercare/advocate', { kind: 'imha' }],
      ['/your-aftercare/sharing', '/your-aftercare/sharing', { name: '' }],
      ['/your-aftercare/sharing', '/your-aftercare/sharing/stop', { name: 'Nobody' }],
    ];
    for (const [from, path, fields] of states) {
      const res = await postForm(t, jars.own!, path, fields, { from });
      assert.equal(res.statusCode, 422, path);
      assertPlain(`${path} refused`, pageText(res.body));
    }
    await postForm(t, jars.own!, '/your-aftercare/review', { reason: '' });
    await postForm(t, jars.own!, '/your-aftercare/advocate', { kind: 'care-act' });
    for (const url of ['/your-aftercare', '/your-aftercare/review', '/your-aftercare/advocate']) assertPlain(`${url} after asking`, pageText(await page('own', url)));
    const ended = await postForm(t, jars.ended!, '/your-aftercare/review', { reason: '' }, { from: '/your-aftercare/something-wrong' });
    assert.equal(ended.statusCode, 422);
    assertPlain('review refused after the end', pageText(ended.body));
  });

  test('ended aftercare, in hospital still, and no aftercare on the register', async () => {
    for (const who of ['ended', 'inHospital', 'none']) {
      for (const url of ['/your-aftercare', '/your-aftercare/plan', '/your-aftercare/plan/easy-read', '/your-aftercare/letters', '/your-aftercare/sharing', '/your-aftercare/advocate']) {
        assertPlain(`${who} ${url}`, pageText(await page(who, url)));
      }
    }
  });

  test('signing in, each refusal, signing out', async () => {
    assertPlain('sign-in', pageText(await page('nobody', '/your-aftercare/sign-in')));
    t.services.signIn.configure(identityFor(idp.issuer, { nhsLogin: null }));
    assertPlain('sign-in unavailable', pageText(await page('nobody', '/your-aftercare/sign-in')));
    t.services.signIn.configure(identityFor(idp.issuer));
    for (const login of ['stranger', 'person-p5', 'no-nhs-number']) {
      assertPlain(`refused ${login}`, pageText((await callBack(t, await throughProvider(t, '/your-aftercare/sign-in/start', login))).body));
    }
    const journey = await throughProvider(t, '/your-aftercare/sign-in/start', 'person-p9');
    assertPlain('sign-in failed', pageText((await callBack(t, journey, '')).body));
    const out = await signInAsPerson(t);
    assertPlain('signed out', pageText((await postForm(t, out, '/your-aftercare/sign-out', {}, { from: '/your-aftercare' })).body));
  });

  test('the letters to the person: plan, review invitation, review outcome, ending, refund', async () => {
    const db = t.database.db;
    const today = todayInLondon();
    const law = DEFAULT_LAW_SETTINGS;
    const person = (await findPerson(db, personId))!;
    const ended = (await findPerson(db, endedId))!;
    assertPlain('plan letter', letterText((await planLetterPart(db, person, today, law)).letter));
    const invitationData = await reviewLetterPart(db, person, today, law, 'invitation', invitation.id);
    assertPlain('review invitation letter', letterText(invitationLetterContent({ ...invitationData, invitation: invitationData.invitation! })));
    const outcomeData = await reviewLetterPart(db, person, today, law, 'outcome', review.id);
    assertPlain('review outcome letter', letterText(outcomeLetterContent({ ...outcomeData, review: outcomeData.review! })));
    const { input } = await endingLetterPart(db, ended, today, law, proposal.episodeId, proposal.proposalId, { jointNoticeRequired: false });
    assertPlain('ending letter', letterText(endingLetterContent(input)));
    const refund = await approvedRefund(t, personId);
    const refundData = await refundLetterPart(db, person, await moneyContext(db, person, today, law), today, refund.id);
    assertPlain('refund letter', letterText(refundLetterContent(refundData.input)));
  });
});
