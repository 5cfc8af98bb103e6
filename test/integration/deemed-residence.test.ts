// MHA25-3 deemed ordinary residence behind S117_MHA2025_DEEMED_RESIDENCE, on PGlite and PostgreSQL:
// Northbridge placed the person in a care home in Southvale's area; detained again from there, the
// new episode's proposed council is Northbridge with the setting on, Southvale with it off (today's law).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';
import { loadConfig } from '../../src/config.ts';
import { createServices } from '../../src/services/index.ts';
import { ValidationError } from '../../src/services/kernel/errors.ts';
import { testEngines } from '../support/databases.ts';
import { createServiceFixture, NORTHBRIDGE_PERSON, type ServiceFixture } from '../support/services.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`MHA25-3 deemed ordinary residence on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    let personId: string;
    before(async () => {
      f = await createServiceFixture(engine, { clock: () => new Date('2026-04-01T12:00:00Z') });
      personId = (await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: testNhsNumber(7501) })).id;
      const first = await f.services.legalHistory.addAdmission(f.actors.practitioner, personId, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-10', dischargedOn: '2024-05-31' });
      await f.services.legalHistory.addLegalStatus(f.actors.practitioner, personId, { section: '3', startDate: '2024-01-10', endDate: '2024-05-31', admissionId: first.id });
      const placement = await f.services.legalHistory.recordPlacement(f.actors.laPractitioner, personId, { localAuthority: 'E09000098', kind: 'care-home', arrangedBy: 'E09000099', from: '2024-05-31' });
      assert.equal(placement.kind, 'care-home');
      await f.services.people.update(f.actors.laPractitioner, personId, null, { residence: { localAuthority: 'E09000098', since: '2024-05-31' } });
      const second = await f.services.legalHistory.addAdmission(f.actors.practitioner, personId, { hospital: 'Northbridge Hospital', admittedOn: '2025-11-01' });
      await f.services.legalHistory.addLegalStatus(f.actors.practitioner, personId, { section: '3', startDate: '2025-11-01', admissionId: second.id });
    });
    after(async () => f?.close());

    test('MHA25-3: off by default (today’s law, RESP-3): the council they lived in is proposed', async () => {
      assert.equal(loadConfig({}).mha2025DeemedResidence, false);
      assert.equal(loadConfig({ S117_MHA2025_DEEMED_RESIDENCE: 'true' }).mha2025DeemedResidence, true);
      const aftercare = await f.services.legalHistory.aftercare(f.actors.laPractitioner, personId);
      assert.equal(aftercare.episodes[1]!.localAuthority.code, 'E09000098');
    });

    test('MHA25-3: on, the council that arranged the care home stays the proposed responsible council', async () => {
      const on = createServices(f.database.db, { clock: () => new Date('2026-04-01T12:00:00Z'), mha2025DeemedResidence: true });
      const aftercare = await on.legalHistory.aftercare(f.actors.laPractitioner, personId);
      assert.equal(aftercare.episodes[1]!.localAuthority.code, 'E09000099');
      assert.match(aftercare.episodes[1]!.localAuthority.basis, /MHA25-3/);
    });

    test('MHA25-3: a placement is refused when it is not specified accommodation or ends before it starts', async () => {
      await assert.rejects(f.services.legalHistory.recordPlacement(f.actors.laPractitioner, personId, { localAuthority: 'E09000098', kind: 'ordinary', arrangedBy: 'E09000099', from: '2024-05-31' }), ValidationError);
      await assert.rejects(f.services.legalHistory.recordPlacement(f.actors.laPractitioner, personId, { localAuthority: 'E09000098', kind: 'shared-lives', arrangedBy: 'E09000099', from: '2024-05-31', to: '2024-05-01' }), ValidationError);
    });
  });
}
