// Issue 9, item 6: plain sentences for people, with the rules behind them named from the rules
// reference itself (docs/domain-rules.md) with their standing and source.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { legalBasis, parseRuleCatalogue, plainSentence } from '../../src/http/web/legal-basis.ts';

describe('legal basis behind plain sentences', () => {
  test('rule ids in brackets leave the sentence and are kept in order', () => {
    assert.deepEqual(plainSentence('They left hospital on 3 May 2025 (ELIG-3). Aftercare began (ELIG-1, ELIG-8b).'), { text: 'They left hospital on 3 May 2025. Aftercare began.', rules: ['ELIG-3', 'ELIG-1', 'ELIG-8b'] });
    assert.deepEqual(plainSentence('Dates in brackets stay (since 1 May 2024); so do words (like these).'), { text: 'Dates in brackets stay (since 1 May 2024); so do words (like these).', rules: [] });
    assert.deepEqual(plainSentence(null), { text: '', rules: [] });
  });

  test('every rule of the reference is read with its title, standing and source, the sources by name', () => {
    const rules = parseRuleCatalogue(readFileSync('docs/domain-rules.md', 'utf8'));
    assert.ok(rules.size >= 60, `${rules.size} rules read`);
    assert.deepEqual(rules.get('ELIG-1'), { id: 'ELIG-1', title: 'Qualifying detentions', standing: 'law', source: 'Mental Health Act 1983 s117 (as amended) s117(1)' });
    for (const rule of rules.values()) assert.ok(rule.title, `${rule.id} has a title`);
    // ADV-5 (IMCA) cites no source of its own in the reference; every other rule names one.
    assert.deepEqual([...rules.values()].filter((r) => !r.source).map((r) => r.id), ['ADV-5']);
    assert.equal(rules.get('REG-3')?.source, 'DHSC/NHSE statutory guidance, Discharge from mental health inpatient settings (26 Jan 2024), principles 1–8 plus an s117 funding annex principle 6');
  });

  test('a part of a rule (ELIG-8b, DP-1(e)) is explained by its rule; an unknown id keeps its id alone', () => {
    const [part, sub, unknown] = legalBasis(['ELIG-8b', 'DP-1(e)', 'XYZ-1', 'XYZ-1', null]);
    assert.equal(part?.id, 'ELIG-8b');
    assert.equal(part?.title, 'Readmission');
    assert.equal(sub?.id, 'DP-1(e)');
    assert.match(sub?.source ?? '', /Direct Payments/);
    assert.deepEqual(unknown, { id: 'XYZ-1', title: '', standing: '', source: '' });
    assert.equal(legalBasis(['ELIG-8b', 'DP-1(e)', 'XYZ-1', 'XYZ-1', null]).length, 3);
  });

  test('MHA25-3: the Mental Health Act 2025 rules (list items of the reference) are read, their source the section of that Act', () => {
    const rules = parseRuleCatalogue(readFileSync('docs/domain-rules.md', 'utf8'));
    assert.deepEqual(rules.get('MHA25-3'), { id: 'MHA25-3', title: 'Deeming for ordinary residence', standing: '', source: 'Mental Health Act 2025 s46(3), new s117(3A)' });
    assert.equal(rules.get('MHA25-2')?.source, 'Mental Health Act 2025 s46(2)');
    for (const id of ['MHA25-1', 'MHA25-4', 'MHA25-5', 'MHA25-6']) assert.ok(rules.get(id)?.title, id);
  });
});
