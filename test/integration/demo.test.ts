// `s117 demo`: the demonstration data covers every aftercare status, is loaded through the services
// (so the audit trail is whole) and loading it twice changes nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { loadDemoData } from '../../src/cli/demo.ts';
import * as people from '../../src/data/people-repository.ts';
import { computeAftercare } from '../../src/domain/aftercare.ts';
import { todayInLondon } from '../../src/domain/dates.ts';
import { isTestNhsNumber, isValidNhsNumber } from '../../src/domain/nhs-number.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';

// 'ended' (END-1, a joint decision) arrives with the ending feature.
const PERSON_STATUSES = ['not-entitled', 'planning', 'entitled-pending-discharge', 'active', 'in-custody', 'deceased'];
const COUNTED_TABLES = ['organisations', 'users', 'people', 'residences', 'gp_registrations', 'admissions', 'legal_statuses', 'leaves', 'responsibility_decisions', 'person_summaries', 'audit_events'] as const;

describe('demonstration data', () => {
  let database: TestDatabase;
  let services: Services;
  let first: { created: boolean; people: number };
  const messages: string[] = [];

  before(async () => {
    database = await createTestDatabase('pglite');
    services = createServices(database.db);
    first = await loadDemoData(services, database.db, (m) => messages.push(m));
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

  test('only synthetic NHS numbers, each valid and in the test range', async () => {
    const rows = await database.db.selectFrom('people').select('nhs_number').where('nhs_number', 'is not', null).execute();
    assert.ok(rows.length > 0);
    for (const { nhs_number } of rows) assert.ok(nhs_number && isValidNhsNumber(nhs_number) && isTestNhsNumber(nhs_number), String(nhs_number));
  });

  test('a second run changes nothing', async () => {
    const before = await counts();
    const second = await loadDemoData(services, database.db, () => {});
    assert.deepEqual(second, { created: false, people: 0 });
    assert.deepEqual(await counts(), before);
  });

  test('the audit trail is whole', async () => {
    const result = await services.audit.verify();
    assert.equal(result.ok, true, result.problems.join('; '));
    assert.ok(result.checked > first.people);
  });
});
