// The service forms' read model (issue 14 item 3): the funding policies a form offers and the plan's
// needs a service may link to, read in the person's read-model statement, are exactly what the
// per-table reads give (fundingPoliciesPart of the partnership the heading shows, listCurrentPlanNeeds),
// for every demonstration person and for people with no residence, no GP, or neither (whom the
// policies' sub-select treats apart), with policies of several partnerships to choose between.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { insertFundingPolicy, PERSON_PARTNERSHIPS_POLICIES_PART } from '../../src/data/funding-policies-repository.ts';
import { loadPersonReadModel, partsTogether } from '../../src/data/person-read-model.ts';
import { CURRENT_PLAN_NEEDS_PART, listCurrentPlanNeeds } from '../../src/data/plans-repository.ts';
import { fundingPoliciesOf, fundingPoliciesPart } from '../../src/services/funding-policies/funding-policies-service.ts';
import { viewOfModel } from '../../src/services/people/people-service.ts';
import { testEngines } from '../support/databases.ts';
import { demoDatabaseForSuite } from '../support/demo-database.ts';

const FORM_PARTS = partsTogether({ policies: PERSON_PARTNERSHIPS_POLICIES_PART, needs: CURRENT_PLAN_NEEDS_PART });

for (const { engine, skip } of await testEngines()) {
  describe(`the service forms' read model on ${engine}`, { skip }, () => {
    const demoDb = demoDatabaseForSuite(engine);

    test('policies and needs: as the per-table reads give them, whatever the person has of a residence and a GP', async () => {
      const db = demoDb();
      const admin = (await findUserByEmail(db, 'admin@demo.s117.test'))!;
      const policy = await db.selectFrom('funding_policies').selectAll().orderBy('version').executeTakeFirstOrThrow();
      // The same local authority with another ICB, and the same ICB with another local authority.
      for (const [la, icb] of [[policy.local_authority_code, 'QYY'], ['E09000097', policy.icb_code]] as const) {
        await insertFundingPolicy(db, { id: crypto.randomUUID(), partnership_name: 'Another', local_authority_code: la, icb_code: icb, version: 1, effective_from: '2020-01-01', splits: policy.splits as object, notes: null, created_by: admin.id });
      }
      const ids = (await db.selectFrom('people').select('id').where('merged_into', 'is', null).orderBy('id').execute()).map((r) => r.id);
      // Three people lose their GPs, their residences, or both.
      const [noGp, noResidence, neither] = ids;
      await db.deleteFrom('gp_registrations').where('person_id', 'in', [noGp!, neither!]).execute();
      await db.deleteFrom('residences').where('person_id', 'in', [noResidence!, neither!]).execute();

      let offered = 0;
      for (const id of ids) {
        const model = (await loadPersonReadModel(db, id, { everyone: true }, { summary: true }, undefined, FORM_PARTS))!;
        const shown = viewOfModel(model);
        const partnership = { localAuthority: shown.residence?.localAuthority, icb: shown.gp?.icb };
        const policies = fundingPoliciesOf(model.part.policies, partnership);
        assert.deepEqual(policies, await fundingPoliciesPart(db, partnership), `${id}: the policies of ${JSON.stringify(partnership)}`);
        assert.deepEqual(model.part.needs, await listCurrentPlanNeeds(db, id), `${id}: the plan's needs`);
        if (policies.items.length > 0) offered += 1;
      }
      assert.ok(offered > 1, 'some forms offer policies');
      const all = await fundingPoliciesPart(db, {});
      assert.equal((await loadPersonReadModel(db, neither!, { everyone: true }, { summary: true }, undefined, FORM_PARTS))!.part.policies.length, all.items.length, 'neither a residence nor a GP: every policy');
    });
  });
}
