// An experiment behind docs/performance.md: the register's name-prefix search as searchRegister
// makes it, against the same search with the text match fenced off in a MATERIALIZED CTE, so that
// PostgreSQL finds the matches through the prefix indexes before it sorts them. Both run on the
// same generated people, prefix by prefix, and must return the same rows.
//
//   node bench/prefix-fence.ts [pglite|postgres] [people, default 100000]
import { sql } from 'kysely';
import { createTestDatabase } from '../test/support/databases.ts';
import { createServices } from '../src/services/index.ts';
import { DEMO_ORGANISATIONS } from '../src/cli/demo.ts';
import { findUserByEmail } from '../src/data/accounts-repository.ts';
import * as people from '../src/data/people-repository.ts';
import { todayInLondon } from '../src/domain/dates.ts';
import { generate, Prng } from './generate.ts';

const engine = (process.argv[2] ?? 'pglite') as 'pglite' | 'postgres';
const d = await createTestDatabase(engine);
try {
  const s = createServices(d.db);
  for (const o of DEMO_ORGANISATIONS) await s.accounts.addOrganisation(o);
  await s.accounts.addUser({ email: 'trust@bench.s117.test', name: 'Ward Practitioner', role: 'practitioner', organisationCode: 'RZZ' });
  const u = (await findUserByEmail(d.db, 'trust@bench.s117.test'))!;
  await generate(d.db, { people: Number(process.argv[3] ?? 100000), seed: 117, today: todayInLondon(), registeredBy: { userId: u.id, organisationId: u.organisation_id, organisationCode: 'RZZ' }, approverUserId: u.id });
  await sql`VACUUM ANALYZE`.execute(d.db);
  const rng = new Prng(3);
  const names: string[] = (await d.db.selectFrom('people').select('family_name').execute()).map((r) => r.family_name);
  const prefixes = Array.from({ length: 200 }, () => { const n = names[rng.int(0, names.length - 1)]!; return n.slice(0, rng.int(3, 5)); });
  const stats = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return `median ${s[s.length >> 1]!.toFixed(2)} ms, p95 ${s[Math.ceil(s.length * 0.95) - 1]!.toFixed(2)} ms, max ${s.at(-1)!.toFixed(2)} ms`; };
  for (const visibleTo of [null, 'E09000099']) {
    const a: number[] = []; const b: number[] = [];
    for (const prefix of prefixes) {
      let t = performance.now();
      const r1 = await people.searchRegister(d.db, { text: { raw: prefix, nhsNumber: null, words: [prefix] }, visibleTo, limit: 51 });
      a.push(performance.now() - t);
      const p = `${prefix.toLowerCase()}%`;
      t = performance.now();
      const r2 = await sql<{ id: string }>`
        WITH matches AS MATERIALIZED (
          SELECT id FROM people WHERE local_id = ${prefix} OR lower(family_name) LIKE ${p} OR lower(given_name) LIKE ${p})
        SELECT people.*, s.status, s.local_authority_code, s.icb_code, s.next_review_due
        FROM people JOIN matches ON matches.id = people.id LEFT JOIN person_summaries s ON s.person_id = people.id
        WHERE ${visibleTo === null ? sql`true` : sql`EXISTS (SELECT 1 FROM person_organisations po WHERE po.person_id = people.id AND po.organisation_code = ${visibleTo})`}
        ORDER BY people.family_name, people.given_name, people.id LIMIT 51`.execute(d.db);
      b.push(performance.now() - t);
      if (r1.map((r) => r.id).join() !== r2.rows.map((r) => r.id).join()) console.log('DIFFERENT RESULTS for', prefix);
    }
    console.log(`${engine} visibleTo=${visibleTo}: as now: ${stats(a)} | fenced CTE: ${stats(b)}`);
  }
} finally {
  await d.dispose();
}
