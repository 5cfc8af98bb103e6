// Issue 9 items 1 and 7, the pure parts: what the type-ahead box posts read back as an
// organisation's code, a disputing body's kind, and the service form's sections by kind of service
// (SCOPE-4, SCOPE-5: accommodation and its rent; DP-3: a budget).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bodyKindOf, organisationChoices, organisationCodeFor, organisationNames, OTHER_ORGANISATION } from '../../src/http/web/organisations.ts';
import { serviceSections } from '../../src/http/web/care-services.ts';

const directory = new Map([
  ['E09000099', { code: 'E09000099', name: 'Northbridge Borough Council', type: 'local-authority' }],
  ['QZZ', { code: 'QZZ', name: 'NHS Northbridge ICB', type: 'icb' }],
  ['RZZ', { code: 'RZZ', name: 'Northbridge Mental Health Trust', type: 'provider' }],
]);

describe('organisations chosen by name', () => {
  test('the type-ahead box’s words are read as the code: "Name (CODE)", the name, or the code, in any case', () => {
    assert.equal(organisationCodeFor(directory, 'Northbridge Borough Council (E09000099)'), 'E09000099');
    assert.equal(organisationCodeFor(directory, '  northbridge borough council '), 'E09000099');
    assert.equal(organisationCodeFor(directory, 'qzz'), 'QZZ');
    assert.equal(organisationCodeFor(directory, 'E09000099'), 'E09000099');
  });

  test('words that name no organisation are kept (a code-like one in capitals) for the service to refuse', () => {
    assert.equal(organisationCodeFor(directory, 'qaa'), 'QAA');
    assert.equal(organisationCodeFor(directory, 'Northbri'), 'Northbri');
    assert.equal(organisationCodeFor(directory, 'Somewhere (QAA)'), 'Somewhere (QAA)');
    assert.equal(organisationCodeFor(directory, ''), '');
    assert.equal(organisationCodeFor(directory, OTHER_ORGANISATION), OTHER_ORGANISATION);
    assert.equal(organisationCodeFor(null, 'Northbridge Borough Council (E09000099)'), 'Northbridge Borough Council (E09000099)');
  });

  test('a list of the two bodies offers the local authorities and ICBs, not providers', () => {
    const texts = organisationChoices(directory, 'body', null).map((i) => i.text);
    assert.deepEqual(texts, ['Choose a local authority or an ICB', 'NHS Northbridge ICB (QZZ)', 'Northbridge Borough Council (E09000099)', 'Another body (enter its ONS or ODS code below)']);
    assert.deepEqual(organisationNames(directory, 'provider'), ['Northbridge Mental Health Trust']);
  });

  test('a disputing body’s kind: its type when known, else the form of its code', () => {
    assert.equal(bodyKindOf(directory, 'E09000099'), 'local-authority');
    assert.equal(bodyKindOf(directory, 'QZZ'), 'icb');
    assert.equal(bodyKindOf(directory, 'E08000001'), 'local-authority');
    assert.equal(bodyKindOf(directory, 'QMJ'), 'icb');
  });
});

describe('the service form’s sections by kind of service', () => {
  test('SCOPE-4, SCOPE-5: accommodation and the decision on its rent only for accommodation', () => {
    assert.equal(serviceSections('accommodation').accommodation, true);
    for (const kind of ['healthcare', 'social-care', 'medication', 'employment', 'social-cultural-spiritual', 'other']) assert.equal(serviceSections(kind).accommodation, false, kind);
  });

  test('DP-3: a budget for every kind but prescribed medication', () => {
    assert.equal(serviceSections('medication').budget, false);
    for (const kind of ['healthcare', 'social-care', 'employment', 'accommodation', 'social-cultural-spiritual', 'other']) assert.equal(serviceSections(kind).budget, true, kind);
  });

  test('a kind not chosen yet shows neither; what a service already records is never hidden', () => {
    assert.deepEqual([serviceSections(undefined).accommodation, serviceSections(undefined).budget], [false, false]);
    const recorded = serviceSections('medication', { accommodation: { type: 'care-home' } as never, budget: 'personal-health-budget' });
    assert.deepEqual([recorded.accommodation, recorded.budget], [true, true]);
  });
});
