// The register search made fast at 1,000,000 people (issue 14, migration 0134: the page's people
// found by their sort key first; with a status, local authority or ICB filter through the summary's
// copy of the sort key) returns exactly the rows the query before it returned, in the same order,
// page after page: for text, filter and combined searches, as an admin and as four organisations,
// on generated people, some renamed afterwards (the copy follows the name) and one merged away.
// The query before the change is kept here, as it was, to compare against. Since migration 0135 a
// search with words reads each matching name's people in order (namePrefixPage): the same query
// answers for it, the register page's name order too, with names spelled as people spell them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { DEMO_ORGANISATIONS } from '../../src/cli/demo.ts';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { genericPlansBeside, type Db } from '../../src/data/database.ts';
import * as people from '../../src/data/people-repository.ts';
import type { Database, PeopleTable } from '../../src/data/schema.ts';
import { todayInLondon } from '../../src/domain/dates.ts';
import { createServices } from '../../src/services/index.ts';
import { generate } from '../../bench/generate.ts';
import { testEngines, createTestDatabase, type TestDatabase } from '../support/databases.ts';

/** people-repository.ts searchRegister before migration 0134, unchanged. */
async function searchRegisterBefore(db: Db, query: people.RegisterQuery): Promise<people.RegisterRow[]> {
  const text = query.text;
  let q = db
    .selectFrom('people')
    .$if(text !== undefined, (qb) => qb.innerJoin(db.selectFrom('people as matched').select('matched.id').where((eb) => textMatchBefore(eb, text!)).offset(0).as('matches'), 'matches.id', 'people.id'))
    .leftJoin('person_summaries', 'person_summaries.person_id', 'people.id')
    .selectAll('people')
    .select(['person_summaries.status', 'person_summaries.local_authority_code', 'person_summaries.icb_code', 'person_summaries.next_review_due', 'person_summaries.discharge_warning', 'person_summaries.budget_review_due'])
    .where('people.merged_into', 'is', null);
  if (query.visibleTo !== null) {
    const org = query.visibleTo;
    q = q.where((eb) => eb.exists(eb.selectFrom('person_organisations').select(sql`1`.as('one')).whereRef('person_organisations.person_id', '=', 'people.id').where('person_organisations.organisation_code', '=', org)));
  }
  if (query.status) q = q.where('person_summaries.status', '=', query.status);
  if (query.localAuthority) q = q.where('person_summaries.local_authority_code', '=', query.localAuthority);
  if (query.icb) q = q.where('person_summaries.icb_code', '=', query.icb);
  if (query.reviewOverdueOn) {
    const on = query.reviewOverdueOn;
    q = q.where((eb) => eb.or([eb('person_summaries.next_review_due', '<', on), eb('person_summaries.budget_review_due', '<', on)]));
  }
  if (query.afterId) {
    q = q.where(sql<boolean>`(people.family_name, people.given_name, people.id) > (SELECT p.family_name, p.given_name, p.id FROM people p WHERE p.id = ${query.afterId})`);
  }
  return q.orderBy('people.family_name').orderBy('people.given_name').orderBy('people.id').limit(query.limit).execute();
}

function textMatchBefore(eb: ExpressionBuilder<Database & { matched: PeopleTable }, 'matched'>, text: NonNullable<people.RegisterQuery['text']>): Expression<SqlBool> {
  const alternatives = [eb('matched.local_id', '=', text.raw)];
  if (text.nhsNumber) alternatives.push(eb('matched.nhs_number', '=', text.nhsNumber));
  if (text.words.length > 0) {
    alternatives.push(eb.and(text.words.map((word) => {
      const prefix = `${word.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      return eb.or([eb(sql`lower(matched.family_name)`, 'like', prefix), eb(sql`lower(matched.given_name)`, 'like', prefix)]);
    })));
  }
  return eb.or(alternatives);
}

/** The register page's name order before migration 0135 (registerRows ordered, then offset): the same query, either way round. */
async function namePageBefore(db: Db, query: people.RegisterFilters, page: { descending: boolean; offset: number; limit: number }): Promise<people.RegisterRow[]> {
  // Z to A is name order reversed: the sort key (family name, given name, id) is unique.
  const rows = await searchRegisterBefore(db, { ...query, limit: 1_000_000 });
  return (page.descending ? rows.reverse() : rows).slice(page.offset, page.offset + page.limit);
}

const text = (raw: string) => ({ raw, nhsNumber: /^\d{10}$/.test(raw) ? raw : null, words: raw.split(/\s+/).filter((w) => w && !/^\d+$/.test(w)) });

/** Every page of a search, by cursor, with the given page size. */
async function allPages(search: (q: people.RegisterQuery) => Promise<people.RegisterRow[]>, query: people.RegisterQuery): Promise<people.RegisterRow[][]> {
  const pages: people.RegisterRow[][] = [];
  let afterId: string | undefined;
  for (;;) {
    const rows = await search({ ...query, ...(afterId && { afterId }) });
    pages.push(rows);
    if (rows.length < query.limit) return pages;
    afterId = rows.at(-1)!.id;
  }
}

/**
 * A one-word search is read either way (namePrefixPage): its names' branches merged, or name by name
 * (PGlite, or more names than the merged reading allows), and as the engine's own reading does (on
 * PostgreSQL, a merged first page on the connections that keep generic plans). All are compared on
 * each engine; other searches are read one way.
 */
const readingsOf = (text: people.RegisterFilters['text'], db: Db): people.NameReading[] =>
  (text?.words.length === 1 ? [...new Set([people.MERGED_NAME_READING, people.NAME_BY_NAME_READING, people.nameReadingFor(db)])] : [people.MERGED_NAME_READING]);
const readingName = (reading: people.NameReading) => `merged up to ${reading.mergedBranchesAtMost}${reading.firstPagesOn ? ', first pages on generic plans' : ''}`;

/** Searches by name that migration 0135's way of reading them must answer as before. */
const NAME_SEARCHES = [
  'Mcd', 'MCDONALD', 'mcdonald oli', "o'b", "O'Brien", 'smith-', 'Smith-Jones', 'anne-m', 'oli smi', 'sm o', "d'a", 'smi_', 'smi%',
  'S', 'ol', 'Óla', 'óla', 'Smith Smith', 'oliver oliver', 'Olivia', 'w', 'Jo',
  'smj', 'ex\u{D7FF}', 'ex\u{E000}', '\u{10FFFF}', '\u{10FFFF}\u{10FFFF}', 'q\u{10FFFF}', 'q',
];

for (const { engine, skip } of await testEngines()) {
  describe(`register search: the same rows as before migration 0134, on ${engine}`, { skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase(engine);
      const db = database.db;
      const services = createServices(db);
      for (const org of DEMO_ORGANISATIONS) await services.accounts.addOrganisation(org);
      await services.accounts.addUser({ email: 'trust@same-rows.s117.test', name: 'Ward Practitioner', role: 'practitioner', organisationCode: 'RZZ' });
      const trust = (await findUserByEmail(db, 'trust@same-rows.s117.test'))!;
      await generate(db, {
        people: 400, seed: 14, today: todayInLondon(),
        registeredBy: { userId: trust.id, organisationId: trust.organisation_id, organisationCode: 'RZZ' },
        approverUserId: trust.id,
      });
      // Renamed after their summaries were written: the summary's copy of the sort key must follow.
      const renamed = await db.selectFrom('people').select('id').orderBy('id').limit(12).execute();
      for (const [i, { id }] of renamed.entries()) {
        await db.updateTable('people').set(i % 2 === 0 ? { family_name: 'Aardvark' } : { given_name: 'Zebedee', family_name: 'Smith' }).where('id', '=', id).execute();
      }
      // Names as people write them (migration 0135 reads each distinct lower-case name's people in
      // order): case variants of one name, apostrophes, hyphens, LIKE's own characters, an accent,
      // and a name that is both someone's given and family name.
      const spelled = await db.selectFrom('people').select('id').orderBy('id').offset(12).limit(21).execute();
      const names: { family_name?: string; given_name?: string }[] = [
        { family_name: 'MCDONALD' }, { family_name: 'mcdonald' }, { family_name: 'Mcdonald' }, { family_name: 'McDonald', given_name: 'Oliver' },
        { family_name: "o'brien" }, { family_name: "O'BRIEN", given_name: 'Anne-Marie' }, { family_name: 'Smith-Jones' }, { family_name: 'SMITH', given_name: 'smith' },
        { family_name: 'Oliver', given_name: 'Anne-marie' }, { family_name: 'Smi_th' }, { family_name: 'Smi%th' }, { given_name: "D'Arcy" },
        { family_name: 'Ólafsson' }, { family_name: 'ÓLAFSSON', given_name: 'Oliver' }, { family_name: 'Oliver', given_name: 'Oliver' }, { family_name: 'oliver', given_name: 'OLIVIA' },
        // At the edges of a prefix's range of names (prefixUpperBound): the name just past "smi", a
        // last character before the surrogates and the first after them, and the last code point.
        { family_name: 'Smj' }, { family_name: 'Ex\u{D7FF}ample' }, { family_name: 'Ex\u{E000}tra' }, { family_name: '\u{10FFFF}\u{10FFFF}z' },
        { family_name: 'Q\u{10FFFF}n', given_name: '\u{10FFFF}a' },
      ];
      for (const [i, { id }] of spelled.entries()) await db.updateTable('people').set(names[i]!).where('id', '=', id).execute();
      // One merged into another: neither search lists it.
      const [from, into] = await db.selectFrom('people').select('id').orderBy('id', 'desc').limit(2).execute();
      await db.updateTable('people').set({ duplicate_of: into!.id, merged_into: into!.id, merged_at: new Date() }).where('id', '=', from!.id).execute();
    });
    after(async () => {
      await database?.dispose();
    });

    test('a one-word search merges its names on PostgreSQL, where the statement stays prepared (its first pages on the connections that keep generic plans), and reads name by name on PGlite', () => {
      if (engine === 'pglite') return assert.equal(people.nameReadingFor(database.db), people.NAME_BY_NAME_READING);
      const reading = people.nameReadingFor(database.db);
      assert.equal(reading.mergedBranchesAtMost, people.MERGED_NAME_READING.mergedBranchesAtMost);
      assert.ok(reading.firstPagesOn && reading.firstPagesOn === genericPlansBeside(database.db));
    });

    test('the summary carries each person\'s current name as its sort key', async () => {
      const differing = await database.db.selectFrom('person_summaries').innerJoin('people', 'people.id', 'person_summaries.person_id')
        .select('people.id')
        .where((eb) => eb.or([eb('person_summaries.sort_family_name', '!=', eb.ref('people.family_name')), eb('person_summaries.sort_given_name', '!=', eb.ref('people.given_name'))]))
        .execute();
      assert.deepEqual(differing, []);
      const renamed = await database.db.selectFrom('person_summaries').select('sort_family_name').where('sort_family_name', '=', 'Aardvark').execute();
      assert.equal(renamed.length, 6);
    });

    test('text, filter and combined searches, every page, as an admin and as four organisations: the same rows in the same order', async () => {
      const db = database.db;
      const sample = await db.selectFrom('people').select(['nhs_number', 'local_id']).where('nhs_number', 'is not', null).where('local_id', 'is not', null).orderBy('id').limit(1).executeTakeFirstOrThrow();
      const today = todayInLondon();
      const searches: Omit<people.RegisterQuery, 'visibleTo' | 'limit'>[] = [
        {},
        { text: text('Smi') }, { text: text('wo') }, { text: text('Oli') }, { text: text('oliver sm') }, { text: text('Aardvark') },
        { text: text(sample.nhs_number!) }, { text: text(sample.local_id!) }, { text: text('nobody-by-this-name') },
        { status: 'active' }, { status: 'in-custody' }, { status: 'entitled-pending-discharge' }, { status: 'not-entitled' },
        { localAuthority: 'E09000099' }, { localAuthority: 'E09000098' }, { icb: 'QZZ' }, { icb: 'QZY' },
        { localAuthority: 'E09000098', status: 'active' }, { icb: 'QZZ', localAuthority: 'E09000099', status: 'active' },
        { text: text('Smi'), status: 'active' }, { text: text('a'), localAuthority: 'E09000098' },
        { reviewOverdueOn: today }, { reviewOverdueOn: today, icb: 'QZY' },
        // Migration 0135: common prefixes of family and given names, case, apostrophes, hyphens,
        // LIKE's characters, several words, a local id as a word, and with filters.
        ...NAME_SEARCHES.map((raw) => ({ text: text(raw) })),
        { text: text('Oli'), status: 'active' }, { text: text('mc'), icb: 'QZY' }, { text: text('smi'), reviewOverdueOn: today },
        { text: text('o'), localAuthority: 'E09000099', status: 'active' }, { text: text('jo'), status: 'in-custody' },
        { text: text('oli sm'), localAuthority: 'E09000098' }, { text: text(`${sample.local_id!} smi`) },
      ];
      let compared = 0;
      for (const visibleTo of [null, 'E09000099', 'E09000098', 'QZZ', 'RZZ']) {
        for (const search of searches) {
          for (const limit of [7, 51]) {
            const query = { ...search, visibleTo, limit };
            const before = await allPages((q) => searchRegisterBefore(db, q), query);
            for (const reading of readingsOf(search.text, db)) {
              const now = await allPages((q) => people.searchRegister(db, q, reading), query);
              assert.deepEqual(now, before, `${JSON.stringify({ ...query, text: search.text?.raw })} ${readingName(reading)}`);
              compared += before.flat().length;
            }
          }
        }
      }
      assert.ok(compared > 5000, `rows compared: ${compared}`);
    });

    test('the register page in name order, either way round, at several offsets: the same rows as before migration 0135', async () => {
      const db = database.db;
      const today = todayInLondon();
      const searches: Omit<people.RegisterFilters, 'visibleTo'>[] = [
        ...['Smi', 'Oli', 'mcdonald', "o'b", 'S', 'oli smi', 'anne-m'].map((raw) => ({ text: text(raw) })),
        { text: text('Oli'), status: 'active' }, { text: text('o'), reviewOverdueOn: today },
      ];
      let compared = 0;
      for (const visibleTo of [null, 'E09000099', 'RZZ']) {
        for (const search of searches) {
          for (const descending of [false, true]) {
            for (const { offset, limit } of [{ offset: 0, limit: 50 }, { offset: 7, limit: 7 }, { offset: 50, limit: 50 }]) {
              const filters = { ...search, visibleTo };
              const before = await namePageBefore(db, filters, { descending, offset, limit });
              for (const reading of readingsOf(search.text, db)) {
                const now = await people.registerPage(db, filters, { sort: 'name', descending, offset, limit }, reading);
                assert.deepEqual(now, before, `${JSON.stringify({ ...filters, text: search.text?.raw, descending, offset, limit })} ${readingName(reading)}`);
                compared += before.length;
              }
            }
          }
        }
      }
      assert.ok(compared > 500, `rows compared: ${compared}`);
    });

    test('the register page counts up to its cap: exact below it, "more than" past it, for one-word searches too', async () => {
      const db = database.db;
      const sample = await db.selectFrom('people').select(['local_id']).where('local_id', 'is not', null).orderBy('id').limit(1).executeTakeFirstOrThrow();
      const oneWord = ['Smi', 'o', 'S', 'mcdonald', "o'b", 'smi_', 'Óla', '\u{10FFFF}', 'nobody-by-this-name', sample.local_id!];
      const filtersList: people.RegisterFilters[] = [
        { visibleTo: null }, { visibleTo: 'E09000099', text: text('Smi') }, { visibleTo: 'RZZ', status: 'active' },
        ...oneWord.flatMap((raw) => [{ visibleTo: null, text: text(raw) }, { visibleTo: 'E09000099', text: text(raw) }]),
        { visibleTo: 'RZZ', text: text('o'), status: 'active' }, { visibleTo: null, text: text('Oli'), localAuthority: 'E09000098' },
      ];
      for (const filters of filtersList) {
        const total = await people.countRegister(db, filters);
        const named = JSON.stringify({ ...filters, text: filters.text?.raw });
        assert.deepEqual(await people.countRegisterUpTo(db, filters, total), { count: total, exact: true }, named);
        assert.deepEqual(await people.countRegisterUpTo(db, filters, total + 10), { count: total, exact: true }, named);
        if (total > 1) assert.deepEqual(await people.countRegisterUpTo(db, filters, total - 1), { count: total - 1, exact: false }, named);
        if (total > 4) assert.deepEqual(await people.countRegisterUpTo(db, filters, 3), { count: 3, exact: false }, named);
      }
    });
  });
}
