// MHA25-3: deemed ordinary residence (Mental Health Act 2025 s46(3), new s117(3A)), behind a setting
// that is off by default. Council A placed the person in specified accommodation in council B's area;
// detained again from there, A stays the proposed responsible council.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { computeAftercare, type PersonFacts } from '../../../src/domain/aftercare.ts';
import { deemedResidenceCouncil, type Placement } from '../../../src/domain/bodies.ts';
import { HOME_LA, OTHER_LA, person, stay, status } from './aftercare-fixtures.ts';

const TODAY = '2026-04-01';
/** Camden placed them in a care home in Birmingham from June 2023. */
const PLACEMENT: Placement = { localAuthority: OTHER_LA, kind: 'care-home', arrangedBy: HOME_LA, from: '2023-06-01', to: null };

/** Detained from Camden, discharged to the Birmingham care home Camden arranged, detained again there in November 2025. */
function placedThenRedetained(overrides: Partial<PersonFacts> = {}): PersonFacts {
  return person({
    residences: [{ localAuthority: HOME_LA, since: '2015-01-01' }, { localAuthority: OTHER_LA, since: '2023-06-01' }],
    admissions: [stay('stay-1', '2023-01-10', '2023-05-31'), stay('stay-2', '2025-11-01')],
    legalStatuses: [status('first', '3', '2023-01-10', '2023-05-31', 'stay-1'), status('second', '3', '2025-11-01', null, 'stay-2')],
    placements: [PLACEMENT],
    ...overrides,
  });
}

describe('MHA25-3 deemed ordinary residence', () => {
  test('MHA25-3: off (the default), the council where they lived before the new detention is proposed (RESP-3)', () => {
    const result = computeAftercare(placedThenRedetained(), TODAY);
    assert.equal(result.episodes[1]!.localAuthority.code, OTHER_LA);
    assert.equal(computeAftercare(placedThenRedetained({ deemedResidence: false }), TODAY).episodes[1]!.localAuthority.code, OTHER_LA);
  });

  test('MHA25-3: on, the council that arranged the specified accommodation stays the proposed responsible council', () => {
    const result = computeAftercare(placedThenRedetained({ deemedResidence: true }), TODAY);
    const second = result.episodes[1]!;
    assert.equal(second.localAuthority.code, HOME_LA);
    assert.equal(second.localAuthority.confirmed, false);
    assert.match(second.localAuthority.basis, /MHA25-3/);
    assert.ok(second.explanation.some((l) => l.rule === 'MHA25-3'));
    // The first episode is as before.
    assert.equal(result.episodes[0]!.localAuthority.code, HOME_LA);
  });

  test('MHA25-3: every kind of specified accommodation, and only those', () => {
    for (const kind of ['care-home', 'supported-living', 'shared-lives'] as const) {
      assert.equal(deemedResidenceCouncil([{ ...PLACEMENT, kind }], '2025-11-01', '1980-01-01', true)?.code, HOME_LA, kind);
    }
    assert.equal(deemedResidenceCouncil([{ ...PLACEMENT, kind: 'ordinary' as never }], '2025-11-01', '1980-01-01', true), null);
  });

  test('MHA25-3: not when the placement had ended before detention, began after it, or was in the arranging council’s own area', () => {
    assert.equal(deemedResidenceCouncil([{ ...PLACEMENT, to: '2025-09-30' }], '2025-11-01', null, true), null);
    assert.equal(deemedResidenceCouncil([{ ...PLACEMENT, to: '2025-10-31' }], '2025-11-01', null, true)?.code, HOME_LA, 'still in place the day before');
    assert.equal(deemedResidenceCouncil([{ ...PLACEMENT, from: '2025-11-01' }], '2025-11-01', null, true), null);
    assert.equal(deemedResidenceCouncil([{ ...PLACEMENT, localAuthority: HOME_LA }], '2025-11-01', null, true), null);
    assert.equal(deemedResidenceCouncil([PLACEMENT], '2025-11-01', null, false), null);
  });

  test('MHA25-3: for periods when the person was 18 or over only', () => {
    assert.equal(deemedResidenceCouncil([PLACEMENT], '2025-11-01', '2008-11-02', true), null, '17 on the day');
    assert.equal(deemedResidenceCouncil([PLACEMENT], '2025-11-01', '2007-11-01', true)?.code, HOME_LA, '18 on the day');
    assert.equal(computeAftercare(placedThenRedetained({ deemedResidence: true, dateOfBirth: '2009-01-01' }), TODAY).episodes[1]!.localAuthority.code, OTHER_LA);
  });

  test('MHA25-3: a recorded confirmation still decides', () => {
    const first = computeAftercare(placedThenRedetained({ deemedResidence: true }), TODAY);
    const id = first.episodes[1]!.id;
    const confirmed = computeAftercare(placedThenRedetained({ deemedResidence: true, responsibilityDecisions: [{ episodeId: id, localAuthority: { code: OTHER_LA, basis: 'Agreed' }, icb: { code: 'QHL', basis: 'Agreed' }, decidedAt: '2026-01-01T10:00:00Z' }] }), TODAY);
    assert.equal(confirmed.episodes[1]!.localAuthority.code, OTHER_LA);
  });
});
