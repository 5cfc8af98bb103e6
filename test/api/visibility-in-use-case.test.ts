// ADR 25: routes marked personVisibilityInUseCase skip the route guard's visibility query; a refusal
// on their way out is checked against visibility then. A stranger's invalid body, or a role that may
// not write, is still the 404 of a person who does not exist (and audited as a 404 refusal); the
// person's own organisations still get the refusal itself; and a stranger's valid write changes nothing.
// The same for a route of every API file under /people/{id} (budgets, services, complaints, disputes,
// ending, people, plan sharing, planning, plans, recharges, refunds, reviews, top-ups): an invalid
// body, query or role refused for the person's own organisation, a read answered to it, and for a
// stranger exactly the answer about a person who does not exist.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createTestApp, ORGS, type TestApp, type UserKey } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { completePlanInput } from '../support/plans.ts';
import { call, countGuardQueries, created, createPerson, nextNhsNumber, today } from './helpers.ts';

/** A finance officer of an unrelated council (the test app has none), for the routes only finance may use. */
const OTHER_FINANCE = 'otherLaFinance';
type Caller = UserKey | typeof OTHER_FINANCE;

for (const { engine, skip } of await testEngines()) {
  describe(`routes that leave the person's visibility to their use case, on ${engine}`, { skip }, () => {
    let t: TestApp;
    let personId: string;
    let episodeId: string;
    let reviewId: string;
    let otherFinanceToken: string;
    before(async () => {
      t = await createTestApp(engine);
      personId = (await createPerson(t, { nhsNumber: nextNhsNumber() })).id;
      const admissionId = (await created(t, `/api/v1/people/${personId}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01', dischargedOn: '2024-03-01' })).id;
      await created(t, `/api/v1/people/${personId}/legal-statuses`, { section: '3', startDate: '2024-01-01', endDate: '2024-03-01', admissionId });
      // A final plan (for its version and PDF), a review (for its letter) and the aftercare episode (for the ending routes).
      const draft = (await call(t, 'GET', `/api/v1/people/${personId}/plan`)).json() as { version: number };
      const plan = await call(t, 'PUT', `/api/v1/people/${personId}/plan`, completePlanInput(), 'practitioner', { 'if-match': String(draft.version) });
      assert.equal(plan.statusCode, 200, plan.body);
      const final = await call(t, 'POST', `/api/v1/people/${personId}/plan/finalise`, undefined, 'practitioner', { 'if-match': String((plan.json() as { version: number }).version) });
      assert.equal(final.statusCode, 201, final.body);
      reviewId = (await created(t, `/api/v1/people/${personId}/reviews`, { heldOn: today(), attendees: ['the person', 'keyworker'], outcome: 'continue', notes: 'Settled' })).id;
      episodeId = ((await call(t, 'GET', `/api/v1/people/${personId}/aftercare`)).json() as { episodes: { id: string }[] }).episodes[0]!.id;
      const email = 'finance-other-la@stranger.s117.test';
      await t.services.accounts.addUser({ email, name: 'Southvale Finance', role: 'finance', organisationCode: ORGS.otherLa.code, password: 'a-stranger-password-117' });
      otherFinanceToken = await t.services.accounts.createToken(email);
    });
    after(async () => t?.close());

    // The refusal the person's own organisation gets: 422 for a value refused, 400 for a wrong type.
    const invalid = [
      ['POST', '/legal-statuses', { section: '99', startDate: 'not a date' }, 422],
      ['POST', '/reviews', { heldOn: 'yesterday' }, 422],
      ['PUT', '/plan', { goals: 42 }, 400],
      ['POST', '/admissions', { hospital: '' }, 422],
      ['POST', '/leave', {}, 422],
      ['POST', '/review-requests', { requestedOn: 'soon' }, 422],
      ['POST', '/reviews/invitations', { plannedOn: 'soon' }, 422],
    ] as const;

    for (const [method, path, body, refusal] of invalid) {
      test(`${method} …${path} with an invalid body: ${refusal} for the person’s organisation, the 404 of nobody for a stranger`, async () => {
        const own = await call(t, method, `/api/v1/people/${personId}${path}`, body, 'laPractitioner');
        assert.equal(own.statusCode, refusal, own.body);
        const stranger = await call(t, method, `/api/v1/people/${personId}${path}`, body, 'otherLaPractitioner');
        const nobody = await call(t, method, `/api/v1/people/${randomUUID()}${path}`, body, 'otherLaPractitioner');
        assert.equal(stranger.statusCode, 404, stranger.body);
        assert.equal(stranger.body, nobody.body);
      });
    }

    test('a role that may not write: 403 for the person’s organisation, 404 for a stranger’s, and the refusal audited as the answer given', async () => {
      const body = { section: 'informal', startDate: '2024-05-01', endDate: '2024-05-01' };
      assert.equal((await call(t, 'POST', `/api/v1/people/${personId}/legal-statuses`, body, 'finance')).statusCode, 403);
      const stranger = await call(t, 'POST', `/api/v1/people/${personId}/legal-statuses`, body, 'otherLaApprover');
      assert.equal(stranger.statusCode, 404, stranger.body);
      const refusals = await t.database.db.selectFrom('audit_events').select(['action', 'details']).where('action', '=', 'access.refused').where('person_id', '=', personId).orderBy('seq').execute();
      const statuses = refusals.map((r) => (r.details as { status?: number }).status);
      assert.deepEqual(statuses.slice(-2), [403, 404]);
    });

    test('a stranger’s valid write is the 404 of nobody and changes nothing', async () => {
      const before = await t.database.db.selectFrom('legal_statuses').select('id').where('person_id', '=', personId).execute();
      const body = { section: 'informal', startDate: '2024-05-01', endDate: '2024-05-01' };
      const stranger = await call(t, 'POST', `/api/v1/people/${personId}/legal-statuses`, body, 'otherLaPractitioner');
      const nobody = await call(t, 'POST', `/api/v1/people/${randomUUID()}/legal-statuses`, body, 'otherLaPractitioner');
      assert.equal(stranger.statusCode, 404);
      assert.equal(stranger.body, nobody.body);
      const afterwards = await t.database.db.selectFrom('legal_statuses').select('id').where('person_id', '=', personId).execute();
      assert.equal(afterwards.length, before.length);
    });

    /** A call as one of the test app's users, or as the unrelated council's finance officer. */
    const ask = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, body: unknown, who: Caller) =>
      who === OTHER_FINANCE
        ? t.app.inject({ method, url, headers: { authorization: `Bearer ${otherFinanceToken}` }, ...(body !== undefined && { payload: body as object }) })
        : call(t, method, url, body, who);

    // [API file, method, path after /people/{id}, body, the person's organisation's user, what they get, a
    // stranger of the same role]. An invalid body is refused before the use case (400 wrong type, 422 a value
    // refused), as is a role without the permission (403) and an invalid query; a valid read answers 200.
    // {episode} and {review} are the person's; {any} a record that need not exist (refused before it is looked for).
    const routes: [string, 'GET' | 'POST' | 'PATCH' | 'PUT', string, unknown, UserKey, number, Caller][] = [
      ['budgets', 'POST', '/budgets', { kind: 'voucher' }, 'laPractitioner', 422, 'otherLaPractitioner'],
      ['budgets', 'PATCH', '/budgets/{any}', { amountPencePerWeek: 'lots' }, 'laPractitioner', 400, 'otherLaPractitioner'],
      ['budgets', 'POST', '/budgets/{any}/reviews', { heldOn: 'soon' }, 'laPractitioner', 422, 'otherLaPractitioner'],
      ['budgets', 'GET', '/budgets', undefined, 'laPractitioner', 200, 'otherLaPractitioner'],
      ['budgets', 'GET', '/budgets?cursor=not-one-we-gave', undefined, 'laPractitioner', 422, 'otherLaPractitioner'],
      ['care-services', 'POST', '/services', {}, 'laPractitioner', 422, 'otherLaPractitioner'],
      ['care-services', 'POST', '/services/{any}/end', { endDate: 'soon' }, 'laPractitioner', 422, 'otherLaPractitioner'],
      ['care-services', 'GET', '/services', undefined, 'laPractitioner', 200, 'otherLaPractitioner'],
      ['care-services', 'GET', '/services?limit=0', undefined, 'laPractitioner', 422, 'otherLaPractitioner'],
      ['complaints', 'POST', '/complaints', { receivedOn: 'soon' }, 'laPractitioner', 422, 'otherLaPractitioner'],
      ['complaints', 'GET', '/complaints', undefined, 'laPractitioner', 200, 'otherLaPractitioner'],
      ['disputes', 'POST', '/disputes', {}, 'laApprover', 422, 'otherLaApprover'],
      ['disputes', 'POST', '/disputes', {}, 'laPractitioner', 403, 'otherLaPractitioner'],
      ['disputes', 'GET', '/disputes', undefined, 'laPractitioner', 200, 'otherLaPractitioner'],
      ['ending', 'POST', '/episodes/{episode}/ending-proposals', {}, 'laPractitioner', 422, 'otherLaPractitioner'],
      ['ending', 'POST', '/episodes/{episode}/reinstatements', {}, 'laPractitioner', 422, 'otherLaPractitioner'],
      ['ending', 'GET', '/episodes/{episode}/ending-proposals', undefined, 'laPractitioner', 200, 'otherLaPractitioner'],
      ['ending', 'POST', '/episodes/{episode}/ending-proposals/{any}/approvals', { comment: 42 }, 'laApprover', 400, 'otherLaApprover'],
      ['ending', 'POST', '/episodes/{episode}/ending-proposals/{any}/approvals', {}, 'laPractitioner', 403, 'otherLaPractitioner'],
      ['ending', 'POST', '/episodes/{episode}/ending-proposals/{any}/decision', { outcome: 'maybe' }, 'laApprover', 422, 'otherLaApprover'],
      ['ending', 'POST', '/episodes/{episode}/reinstatements/{any}/approvals', { comment: 42 }, 'laApprover', 400, 'otherLaApprover'],
      ['ending', 'POST', '/episodes/{episode}/reinstatements/{any}/decision', {}, 'laPractitioner', 403, 'otherLaPractitioner'],
      ['people', 'PATCH', '', { dateOfBirth: 'soon' }, 'laPractitioner', 422, 'otherLaPractitioner'],
      ['people', 'PATCH', '', { givenName: 42 }, 'laPractitioner', 400, 'otherLaPractitioner'],
      ['people', 'PUT', '/episodes/{episode}/responsibility', {}, 'laApprover', 422, 'otherLaApprover'],
      ['plan-sharing', 'GET', '/plan/sharing', undefined, 'laPractitioner', 200, 'otherLaPractitioner'],
      ['planning', 'PUT', '/keyworker', {}, 'laPractitioner', 422, 'otherLaPractitioner'],
      ['planning', 'POST', '/planning-meetings', {}, 'laPractitioner', 422, 'otherLaPractitioner'],
      ['planning', 'POST', '/advocacy-referrals', { kind: 'lawyer' }, 'laPractitioner', 422, 'otherLaPractitioner'],
      ['planning', 'PATCH', '/tribunal-recommendations/{any}', { respondedOn: 'soon' }, 'laPractitioner', 422, 'otherLaPractitioner'],
      ['planning', 'GET', '/keyworker', undefined, 'laPractitioner', 200, 'otherLaPractitioner'],
      ['planning', 'GET', '/advocacy/imha-eligibility?on=soon', undefined, 'laPractitioner', 422, 'otherLaPractitioner'],
      ['plans', 'GET', '/plan/versions/1', undefined, 'laPractitioner', 200, 'otherLaPractitioner'],
      ['plans', 'GET', '/plan.pdf', undefined, 'laPractitioner', 200, 'otherLaPractitioner'],
      ['recharges', 'POST', '/services/{any}/payments', {}, 'finance', 422, OTHER_FINANCE],
      ['refunds', 'POST', '/charges', {}, 'finance', 422, OTHER_FINANCE],
      ['refunds', 'POST', '/charges', {}, 'laPractitioner', 403, 'otherLaPractitioner'],
      ['refunds', 'POST', '/refunds/{any}/approval', { approvedOn: 'soon' }, 'laApprover', 422, 'otherLaApprover'],
      ['refunds', 'GET', '/refunds', undefined, 'finance', 200, OTHER_FINANCE],
      ['reviews', 'GET', '/reviews/{review}/letter', undefined, 'laPractitioner', 200, 'otherLaPractitioner'],
      ['top-ups', 'POST', '/top-ups', {}, 'laPractitioner', 422, 'otherLaPractitioner'],
      ['top-ups', 'PATCH', '/top-ups/{any}', { signedOn: 'soon' }, 'laPractitioner', 422, 'otherLaPractitioner'],
      ['top-ups', 'GET', '/top-ups', undefined, 'laPractitioner', 200, 'otherLaPractitioner'],
    ];

    for (const [file, method, path, body, own, answer, stranger] of routes) {
      test(`${file}: ${method} …${path} ${body === undefined ? '' : `with ${JSON.stringify(body)} `}as ${own}: ${answer}; as a stranger, the 404 of nobody`, async () => {
        const url = (id: string) => `/api/v1/people/${id}${path.replace('{episode}', episodeId).replace('{review}', reviewId).replace('{any}', randomUUID())}`;
        const guard = countGuardQueries(t);
        let mine: Awaited<ReturnType<typeof ask>>;
        try {
          mine = await ask(method, url(personId), body, own);
        } finally {
          guard.restore();
        }
        assert.equal(mine.statusCode, answer, mine.body);
        // Marked: the guard's query is not run; a refusal asks once, on its way out.
        assert.equal(guard.asked, answer < 400 ? 0 : 1, 'the guard’s visibility query');
        const theirs = await ask(method, url(personId), body, stranger);
        const nobodys = await ask(method, url(randomUUID()), body, stranger);
        assert.equal(theirs.statusCode, 404, theirs.body);
        assert.equal(theirs.body, nobodys.body);
      });
    }

    // The decisions on an ending: their service answers 403 for a proposal that exists at that address
    // (forbiddenToOtherApprovers), which the check on the way out must turn into the 404 of nobody.
    test('ending: a stranger’s valid decision or approval on a proposal that exists is the 404 of nobody and changes nothing; the council’s approval runs no guard query', async () => {
      const episode = `/api/v1/people/${personId}/episodes/${episodeId}`;
      const proposalId = (await created(t, `${episode}/ending-proposals`, { reasonCode: 'no-longer-needed', reasons: 'No remaining needs after reassessment with them.', reassessedOn: today(), personInvolved: true, involved: [] }, 'laPractitioner')).id;
      for (const [path, body] of [['decision', { outcome: 'refused', reasons: 'Needs remain, as the review found.' }], ['approvals', {}]] as const) {
        const theirs = await call(t, 'POST', `${episode}/ending-proposals/${proposalId}/${path}`, body, 'otherLaApprover');
        const nobodys = await call(t, 'POST', `/api/v1/people/${randomUUID()}/episodes/${episodeId}/ending-proposals/${proposalId}/${path}`, body, 'otherLaApprover');
        assert.equal(theirs.statusCode, 404, theirs.body);
        assert.equal(theirs.body, nobodys.body);
      }
      const still = await call(t, 'GET', `${episode}/ending-proposals/${proposalId}`, undefined, 'laPractitioner');
      assert.equal((still.json() as { status: string; approvals: unknown[] }).status, 'pending', still.body);
      const guard = countGuardQueries(t);
      let approved: Awaited<ReturnType<typeof call>>;
      try {
        approved = await call(t, 'POST', `${episode}/ending-proposals/${proposalId}/approvals`, {}, 'laApprover');
      } finally {
        guard.restore();
      }
      assert.equal(approved.statusCode, 201, approved.body);
      assert.equal(guard.asked, 0, 'the guard’s visibility query');
    });
  });
}
