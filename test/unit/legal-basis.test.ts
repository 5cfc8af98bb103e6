// Issue 9, item 6: plain sentences for people, with the rules behind them named from the rules
// reference itself (docs/domain-rules.md) with their standing and source.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { legalBasis, moveRuleIdsBehindLegalBasis, parseRuleCatalogue, plainSentence, RULE_FAMILIES, withoutRuleIds } from '../../src/http/web/legal-basis.ts';

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

describe('rule ids moved behind a legal basis on every page (issue 9 item 6)', () => {
  test('a sentence loses its rule ids, kept in order, and keeps its other words', () => {
    assert.deepEqual(withoutRuleIds('Nobody is charged for section 117 aftercare (CHG-1). Services'), { text: 'Nobody is charged for section 117 aftercare. Services', rules: ['CHG-1'] });
    assert.deepEqual(withoutRuleIds('Reviews must not go overdue (REV-1; direct payments DP-1, personal health budgets DP-2).'), { text: 'Reviews must not go overdue (direct payments, personal health budgets).', rules: ['REV-1', 'DP-1', 'DP-2'] });
    assert.deepEqual(withoutRuleIds('propose it for both bodies (END-1 to END-4).'), { text: 'propose it for both bodies.', rules: ['END-1', 'END-4'] });
    assert.deepEqual(withoutRuleIds('Before detention (RESP-5, Who Pays?).'), { text: 'Before detention (Who Pays?).', rules: ['RESP-5'] });
    assert.deepEqual(withoutRuleIds('A form for 2026 (not a rule)'), { text: 'A form for 2026 (not a rule)', rules: [] });
  });

  test('the detail goes inside a list item or cell, after a paragraph or heading; fields, scripts and existing details are untouched', () => {
    const html = moveRuleIdsBehindLegalBasis('<div><p>Free (CHG-1).</p><ul><li><a href="#x">Refused (RESP-6)</a></li></ul><textarea>(END-3)</textarea><script>var a = "(END-3)";</script><details class="nhsuk-details s117-legal-basis"><summary>Legal basis</summary>END-1</details></div>');
    assert.match(html, /^<div><p>Free\.<\/p><details class="nhsuk-details s117-legal-basis">.*CHG-1.*<\/details><ul><li><a href="#x">Refused<\/a><details class="nhsuk-details s117-legal-basis">.*RESP-6.*<\/details><\/li><\/ul>/);
    assert.match(html, /<textarea>\(END-3\)<\/textarea><script>var a = "\(END-3\)";<\/script><details class="nhsuk-details s117-legal-basis"><summary>Legal basis<\/summary>END-1<\/details><\/div>$/);
    assert.match(html, /No charge for s117 services/, 'the detail names the rule');
  });

  test('only the register’s rules are rule ids: a local id, a ward or "UTF-16" stays where people read it', () => {
    const rules = parseRuleCatalogue(readFileSync('docs/domain-rules.md', 'utf8'));
    for (const id of rules.keys()) assert.ok(RULE_FAMILIES.some((family) => id.startsWith(`${family}-`)), `${id} is of a rule family`);
    for (const text of ['Local id NB-0001234', 'Ward A-1, bed 4', 'an unpaired UTF-16 surrogate', 'Code XDP-1 and ELIGX-2']) {
      assert.deepEqual(withoutRuleIds(text), { text, rules: [] }, text);
    }
    const page = '<main><table><tr><td>NB-0001234</td><td>Ward A-1</td></tr></table><p>Free (CHG-1); reported (RPT-11).</p></main>';
    const html = moveRuleIdsBehindLegalBasis(page);
    assert.match(html, /^<main><table><tr><td>NB-0001234<\/td><td>Ward A-1<\/td><\/tr><\/table><p>Free; reported\.<\/p><details class="nhsuk-details s117-legal-basis">.*CHG-1.*RPT-11.*<\/details><\/main>$/);
    assert.equal(moveRuleIdsBehindLegalBasis('<p>Local id NB-0001234</p>'), '<p>Local id NB-0001234</p>');
  });

  test('a page without rule ids is returned as it was', () => {
    const page = '<p>Nothing to see (really).</p>';
    assert.equal(moveRuleIdsBehindLegalBasis(page), page);
  });
});

describe('legal basis details where the markup allows them', () => {
  test('in a summary list the detail goes inside the term or description, never directly in the row', () => {
    const html = moveRuleIdsBehindLegalBasis('<dl><div class="row"><dt>Charged (CHG-1)</dt><dd>Yes</dd></div></dl>');
    assert.match(html, /^<dl><div class="row"><dt>Charged<details class="nhsuk-details s117-legal-basis">.*CHG-1.*<\/details><\/dt><dd>Yes<\/dd><\/div><\/dl>$/);
  });
});
