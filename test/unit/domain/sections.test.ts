import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SECTION_CODES, isCommunityStatus, isHospitalDetention, isQualifyingSection, isSectionCode, sectionLabel,
} from '../../../src/domain/sections.ts';

describe('sections', () => {
  test('ELIG-1: only sections 3, 37, 45A, 47 and 48, with or without restrictions, qualify', () => {
    const qualifying = SECTION_CODES.filter(isQualifyingSection);
    assert.deepEqual(qualifying, ['3', '37', '37/41', '45A', '47', '47/49', '48', '48/49']);
  });

  test('ELIG-2: sections 2, 4, 5(2), 5(4), 35, 36, 38, 135, 136, informal, guardianship, CTO, conditional discharge and custody do not qualify', () => {
    for (const code of ['2', '4', '5(2)', '5(4)', '35', '36', '38', '135', '136', 'informal', '7', '17A', 'CD', 'custody']) {
      assert.equal(isQualifyingSection(code), false, code);
    }
  });

  test('ELIG-2: hospital detention covers every power that holds someone in hospital or a place of safety', () => {
    const detention = SECTION_CODES.filter(isHospitalDetention);
    assert.deepEqual(detention, ['2', '3', '4', '5(2)', '5(4)', '35', '36', '37', '37/41', '38', '45A', '47', '47/49', '48', '48/49', '135', '136']);
    assert.deepEqual(SECTION_CODES.filter(isCommunityStatus), ['17A', 'CD']);
  });

  test('ELIG-1: unknown codes are rejected', () => {
    assert.equal(isSectionCode('3'), true);
    assert.equal(isSectionCode('5(2)'), true);
    assert.equal(isSectionCode('41'), false);
    assert.equal(isSectionCode('s3'), false);
    assert.equal(isQualifyingSection('s3'), false);
  });

  test('ELIG-1: every section has a plain English label', () => {
    assert.equal(sectionLabel('3'), 'section 3 (admission for treatment)');
    assert.equal(sectionLabel('17A'), 'community treatment order (section 17A)');
    assert.equal(sectionLabel('CD'), 'conditional discharge');
    assert.equal(sectionLabel('custody'), 'returned to prison');
    assert.equal(sectionLabel('informal'), 'informal (voluntary) patient');
    assert.equal(sectionLabel('7'), 'guardianship (section 7)');
    for (const code of SECTION_CODES) assert.ok(sectionLabel(code).length > 5, code);
  });
});
