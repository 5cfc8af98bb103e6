// `s117 demo`: the demonstration data covers every aftercare status, is loaded through the services
// (so the audit trail is whole) and loading it twice changes nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { loadDemoData } from '../../src/cli/demo.ts';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import * as people from '../../src/data/people-repository.ts';
import { computeAftercare } from '../../src/domain/aftercare.ts';
import { todayInLondon } from '../../src/domain/dates.ts';
import { isTestNhsNumber, isValidNhsNumber } from '../../src/domain/nhs-number.ts';
import { actorFromUser } from '../../src/services/kernel/actor.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';

// Every person status a person can reach: 'ended' is a joint decision (END-1) in the casework.
const PERSON_STATUSES = ['not-entitled', 'planning', 'entitled-pending-discharge', 'active', 'ended', 'in-custody', 'deceased'];
const COUNTED_TABLES = ['organisations', 'users', 'people', 'residences', 'gp_registrations', 'admissions', 'legal_statuses', 'leaves', 'responsibility_decisions', 'person_summaries', 'audit_events',
  'plans', 'plan_versions', 'services', 'budgets', 'reviews', 'ending_proposals', 'reinstatements', 'complaints', 'charges', 'refunds', 'top_up_agreements', 'disputes', 'service_payments'] as const;

describe('demonstration data', () => {
  let database: TestDatabase;
  let services: Services;
  let first: { created: boolean; people: number };
  const messages: string[] = [];

  before(async () => {
    database = await createTestDatabase('pglite');
    services = createServices(database.db);
    first = await loadDemoData(services, (m) => messages.push(m));
  });

  after(async () => {
    await database?.dispose();
  });

  async function counts(): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const table of COUNTED_TABLES) {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(database.db);
      result[table] = rows[0]?.n ?? 0;
    }
    return result;
  }

  test('loads at least 45 people and reports progress every ten', async () => {
    assert.equal(first.created, true);
    assert.ok(first.people >= 45, `only ${first.people} people`);
    assert.equal((await counts())['people'], first.people);
    assert.ok(messages.length >= Math.floor(first.people / 10), `progress messages: ${messages.join(' | ')}`);
  });

  test('every person status of the contract appears on the register', async () => {
    const rows = await database.db.selectFrom('person_summaries').select('status').distinct().execute();
    const found = new Set(rows.map((r) => r.status));
    for (const status of PERSON_STATUSES) assert.ok(found.has(status), `no one is ${status}; found ${[...found].join(', ')}`);
  });

  test('superseded episodes (END-5) and the responsibility cases are there', async () => {
    const today = todayInLondon();
    const all = await database.db.selectFrom('people').selectAll().execute();
    // loadFacts leaves out the date of birth, which only explains ELIG-10; add it here.
    const results = await Promise.all(all.map(async (person) => computeAftercare({ ...(await people.loadFacts(database.db, person)), dateOfBirth: person.date_of_birth }, today)));
    const episodes = results.flatMap((r) => r.episodes);
    // A person's status is their latest episode's, so 'superseded' shows on earlier episodes only.
    assert.ok(episodes.filter((e) => e.status === 'superseded').length >= 3, 'expected several superseded episodes');
    assert.ok(episodes.some((e) => e.localAuthority.confirmed), 'expected confirmed responsibility');
    assert.ok(episodes.some((e) => e.localAuthority.code === null), 'expected a person with no residence recorded');
    assert.ok(episodes.some((e) => e.communityTreatmentOrder), 'expected someone on a CTO');
    assert.ok(episodes.some((e) => e.conditionallyDischarged), 'expected someone conditionally discharged');
    assert.ok(episodes.some((e) => e.decisionsNeeded.some((d) => d.rule === 'ELIG-8c')), 'expected a recall (ELIG-8c)');
    assert.ok(episodes.some((e) => e.explanation.some((l) => l.rule === 'ELIG-10')), 'expected a child (ELIG-10)');
    assert.ok(episodes.some((e) => e.explanation.some((l) => l.rule === 'ELIG-8a')), 'expected a readmission that keeps aftercare (ELIG-8a)');
    assert.ok(episodes.some((e) => e.explanation.some((l) => l.rule === 'RESP-4')), 'expected a continuous detention (RESP-4)');
    assert.ok(episodes.some((e) => e.status === 'active' && e.explanation.some((l) => l.rule === 'ELIG-4')), 'expected aftercare started by leave (ELIG-4)');
    // RESP-3 and RESP-5: a later episode whose local authority and ICB differ.
    assert.ok(results.some((r) => r.episodes.length >= 2 && r.episodes.at(-1)?.localAuthority.code === 'E09000098' && r.episodes.at(-1)?.icb.code === 'QZZ'));
  });

  test('the casework shows every feature: plans, services, reviews, approvals, complaints and money', async () => {
    const { db } = database;
    const count = async (table: string, where = sql`true`) =>
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE ${where}`.execute(db)).rows[0]?.n ?? 0;
    assert.ok((await count('funding_policies')) >= 1, 'a funding policy');
    assert.ok((await count('person_allocations', sql`reason = 'keyworker' AND ended_at IS NULL`)) >= 10, 'keyworkers');
    assert.ok((await count('planning_meetings')) >= 2, 'planning meetings');
    assert.ok((await count('plan_versions')) >= 1, 'a final plan');
    assert.ok((await count('plans', sql`finalised_number IS NULL`)) >= 1, 'a draft plan');
    assert.ok((await count('services', sql`s117`)) >= 1, 'an s117 service');
    assert.ok((await count('services', sql`NOT s117`)) >= 1, 'a service outside s117');
    assert.ok((await count('budgets')) >= 2, 'a direct payment and a personal health budget');
    assert.ok((await count('reviews')) >= 1, 'a review');
    assert.ok((await count('complaints')) >= 1, 'a complaint');
    assert.ok((await count('reinstatements')) >= 1, 'a reinstatement');
    assert.ok((await count('refunds')) >= 1, 'a refund');
    assert.ok((await count('top_up_agreements')) >= 1, 'a top-up');
    assert.ok((await count('disputes')) >= 1, 'a dispute');
    assert.ok((await count('service_payments')) >= 1, 'payments');
    const signIn = async (email: string) => actorFromUser((await findUserByEmail(db, email))!, 'test');
    const pending = await services.ending.pendingApprovals(await signIn('icb-approver@demo.s117.test'));
    assert.ok(pending.items.length >= 1, 'an ending waiting for the ICB approver');
    assert.ok((await services.keyworkers.caseload(await signIn('practitioner@demo.s117.test'))).items.length >= 10, 'the practitioner’s caseload');
  });

  test('only synthetic NHS numbers, each valid and in the test range', async () => {
    const rows = await database.db.selectFrom('people').select('nhs_number').where('nhs_number', 'is not', null).execute();
    assert.ok(rows.length > 0);
    for (const { nhs_number } of rows) assert.ok(nhs_number && isValidNhsNumber(nhs_number) && isTestNhsNumber(nhs_number), String(nhs_number));
  });

  test('a second run changes nothing', async () => {
    const before = await counts();
    const second = await loadDemoData(services, () => {});
    assert.deepEqual(second, { created: false, people: 0 });
    assert.deepEqual(await counts(), before);
  });

  test('the audit trail is whole', async () => {
    const result = await services.audit.verify();
    assert.equal(result.ok, true, result.problems.join('; '));
    assert.ok(result.checked > first.people);
  });
});
