// Issue 14: the register's table is written out (views/partials/register-table.njk) instead of going
// through the design system's table macro, which cost about 0.5 ms a row. This renders the same
// people both ways, the macro's way exactly as the register page built its rows before, and checks
// that the markup is the same apart from whitespace: same elements, attributes, text and escaping.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createViewEnvironment } from '../../src/http/views.ts';
import { organisationMarkup, type DirectoryEntry } from '../../src/http/web/organisations.ts';

const THROUGH_THE_MACRO = `{% from "nhsuk/components/tag/macro.njk" import tag %}
{% from "nhsuk/components/tables/macro.njk" import table %}
{% set rows = [] %}
{% for p in items %}
  {% set nameHtml %}<a href="/people/{{ p.id }}">{{ p.givenName }} {{ p.familyName }}</a>{% if p.localId %}<br><span class="nhsuk-body-s nhsuk-u-secondary-text-colour">Local ID {{ p.localId }}</span>{% endif %}{% if p.dischargeWarning %}<br><strong class="nhsuk-tag nhsuk-tag--red">Not ready for discharge</strong><br><span class="nhsuk-body-s">{{ p.dischargeWarning }} (PLAN-7)</span>{% endif %}{% endset %}
  {% set statusHtml %}{{ tag({ text: p.status | statusLabel, colour: p.status | statusColour }) }}{% endset %}
  {% set _added = rows.push([
    { header: "Name", html: nameHtml },
    { header: "NHS number", html: '<span class="s117-nowrap">' ~ (p.nhsNumber | nhsNumber | escape) ~ '</span>' if p.nhsNumber else "Not recorded" },
    { header: "Date of birth", html: '<span class="s117-nowrap">' ~ (p.dateOfBirth | ukDate | escape) ~ '</span>' },
    { header: "Status", html: statusHtml },
    { header: "Local authority", html: organisation(p.localAuthority) if p.localAuthority else "None yet" },
    { header: "ICB", html: organisation(p.icb) if p.icb else "None yet" },
    { header: "Next review", html: ('<span class="s117-nowrap">' ~ (p.nextReviewDue | ukDate | escape) ~ '</span>' ~ (' <strong class="nhsuk-tag nhsuk-tag--red">Overdue</strong>' if p.reviewOverdue else '')) if p.nextReviewDue else "None due" }
  ]) %}
{% endfor %}
{{ table({ caption: { text: "People on the register", classes: "nhsuk-u-visually-hidden" }, responsive: true, head: head, rows: rows }) }}`;

const WRITTEN_OUT = '{% include "partials/register-table.njk" %}';

/** Whitespace is not markup: runs become one space, and none is kept beside a tag's brackets. */
const normalised = (html: string) => html.replace(/\s+/g, ' ').replace(/\s*(<|>)\s*/g, '$1').trim();

const directory = new Map<string, DirectoryEntry>([
  ['E09000099', { code: 'E09000099', name: 'Northbridge Borough Council', type: 'local-authority' }],
  ['QZZ', { code: 'QZZ', name: 'Northbridge & Vale ICB', type: 'icb' }],
]);

const head = [
  { text: 'Name', sort: 'ascending', href: '/register?q=o%27b' },
  { text: 'NHS number' },
  { text: 'Date of birth', sort: 'none', href: '/register?sort=dateOfBirth' },
  { text: 'Status', sort: 'none', href: '/register?sort=status' },
  { text: 'Local authority', sort: 'descending', href: '/register?sort=localAuthority&order=descending' },
  { text: 'ICB', sort: 'none', href: '/register?sort=icb' },
  { text: 'Next review', sort: 'none', href: '/register?sort=nextReview' },
];

const person = { id: '0b0c0d0e-0000-4000-8000-000000000001', givenName: 'Alex', familyName: 'Smith', localId: null, nhsNumber: '9990000018', dateOfBirth: '1980-01-02', status: 'active', localAuthority: 'E09000099', icb: 'QZZ', nextReviewDue: '2027-01-01', reviewOverdue: false, dischargeWarning: null };
const items = [
  person,
  { ...person, givenName: 'Siobhán', familyName: `O'Brien & <b>Sons</b>`, localId: 'RX<1>', reviewOverdue: true, status: 'planning' },
  { ...person, nhsNumber: null, localAuthority: null, icb: null, nextReviewDue: null, status: 'entitled-pending-discharge', dischargeWarning: 'No care and support plan is finalised & shared' },
  { ...person, localAuthority: 'E09000001', icb: 'Q99', status: 'ended' },
  ...['not-entitled', 'in-custody', 'superseded', 'deceased'].map((status) => ({ ...person, status })),
];

describe('the register table, written out', () => {
  test('is the design system table macro markup for the same people, apart from whitespace', () => {
    const env = createViewEnvironment({ reload: false });
    const context = { head, items, organisation: (code: string | null) => organisationMarkup(directory, code) };
    const expected = normalised(env.renderString(THROUGH_THE_MACRO, context));
    const actual = normalised(env.renderString(WRITTEN_OUT, context));
    assert.match(expected, /<table class="nhsuk-table nhsuk-table--responsive nhsuk-table--sortable" role="table">/);
    assert.equal((actual.match(/<tr /g) ?? []).length, items.length + 1);
    assert.ok(actual.includes('O&#39;Brien &amp; &lt;b&gt;Sons&lt;/b&gt;'), 'names are escaped');
    assert.equal(actual, expected);
  });
});
