// CHG-3: the top-up agreement's words follow the Choice of Accommodation Regulations 2014 (SI 2014/2670)
// as CHG-3 sets them out: every term the written agreement must include, the conditions for arranging
// the place chosen as they stand (met when signed, still to be met in a draft, absent when refused),
// and no terms the parties did not agree.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { topUpAgreementContent, type TopUpAgreementInput } from '../../../src/letters/top-up-agreement.ts';

const terms = {
  additionalCostPencePerWeek: 5000,
  localAuthorityPaysPencePerWeek: 70000,
  paymentFrequency: 'four-weekly' as const,
  payee: 'local-authority' as const,
  reviewProvision: 'Reviewed each year',
  consequencesOfStoppingPayment: 'A move is discussed',
  consequencesOfPriceRise: 'The rise is shared as agreed',
  consequencesOfMeansChange: 'The agreement is reviewed',
};
const base: TopUpAgreementInput = {
  person: { givenName: 'Sam', familyName: 'Example', dateOfBirth: '1970-01-01', nhsNumber: null },
  localAuthority: 'Northbridge Borough Council',
  service: { description: 'Residential care', provider: 'Meadow View', accommodationType: 'care-home' },
  preferredAccommodation: 'Riverside House',
  terms,
  payer: { kind: 'person', relationship: null },
  status: 'signed',
  signedOn: '2026-01-05',
  refusedOn: null,
  refusalReasons: null,
  date: '2026-01-05',
};
const words = (input: TopUpAgreementInput) => {
  const c = topUpAgreementContent(input);
  return [c.title, ...c.blocks.flatMap((b) => [b.heading ?? '', ...(b.paragraphs ?? []), ...(b.list ?? []), ...(b.facts ?? []).map((f) => `${f.label}: ${f.value}`)])].join('\n');
};

describe('CHG-3 top-up agreement wording', () => {
  test('CHG-3: every term of the written agreement (reg 5): additional cost, the local authority’s usual cost, frequency, to whom, review, and the three consequences', () => {
    const text = words(base);
    for (const expected of [
      'The additional cost (the top-up): £50.00 a week',
      'The amount Northbridge Borough Council pays: £700.00 a week',
      'what it would usually expect to pay for this type of accommodation',
      'How often the top-up is paid: Every four weeks',
      'The top-up is paid to: Northbridge Borough Council',
      'Who pays the top-up: Sam Example (the person themselves)',
      'Reviewing this agreement\nReviewed each year',
      'If the payer stops paying\nA move is discussed',
      'If the provider puts its price up\nThe rise is shared as agreed',
      'If the payer’s money situation changes\nThe agreement is reviewed',
      'willing and able to pay the top-up for as long as Northbridge Borough Council expects to arrange this place',
      'the information and advice they need to understand this agreement',
      'Those conditions do not apply to section 117 aftercare',
      'Section 117 aftercare is free',
    ]) assert.ok(text.includes(expected), expected);
    // Terms nobody agreed are not printed as if they were.
    assert.doesNotMatch(text, /at any time|12-week wait|straight away/);
  });

  test('CHG-3: the conditions for arranging the place are stated as met once signed, as still to be met in a draft, and not at all when refused (with its written reasons)', () => {
    assert.match(words(base), /can arrange it because Sam Example is 18 or over, it is the type of accommodation Northbridge Borough Council decided they need, it is suitable for their needs, it is available, and the provider has agreed/);
    assert.match(words({ ...base, status: 'draft', signedOn: null }), /can arrange it only if Sam Example is 18 or over[\s\S]*the provider agrees to/);
    const refused = words({ ...base, status: 'refused', signedOn: null, refusedOn: '2026-01-06', refusalReasons: 'The place is not available' });
    assert.doesNotMatch(refused, /Why this place can be arranged/);
    assert.match(refused, /refused this preference on 6 January 2026\. The reasons: The place is not available/);
  });

  test('CHG-3: terms not yet agreed say so', () => {
    const text = words({ ...base, status: 'draft', signedOn: null, terms: { ...terms, reviewProvision: null, paymentFrequency: null } });
    assert.match(text, /Reviewing this agreement\nNot yet agreed/);
    assert.match(text, /How often the top-up is paid: Not yet agreed/);
  });
});
