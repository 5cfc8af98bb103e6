// The register page's rendering alone, without HTTP or a database (issue 14): a page of 50 people
// rendered through the same view environment as the server, then the rule-id pass every page goes
// through. Prints milliseconds a page.
//   node bench/render.ts [--pages 500] [--people 50]
import { parseArgs } from 'node:util';
import { createViewEnvironment } from '../src/http/views.ts';
import { moveRuleIdsBehindLegalBasis } from '../src/http/web/legal-basis.ts';
import { organisationChoices, organisationMarkup, type DirectoryEntry } from '../src/http/web/organisations.ts';

const { values } = parseArgs({ options: { pages: { type: 'string', default: '500' }, people: { type: 'string', default: '50' } } });
const pages = Number(values.pages);
const env = createViewEnvironment({ reload: false });
const directory = new Map<string, DirectoryEntry>();
for (let i = 0; i < 20; i++) directory.set(`E090000${String(i).padStart(2, '0')}`, { code: `E090000${String(i).padStart(2, '0')}`, name: `Borough ${i} Council`, type: 'local-authority' });
for (let i = 0; i < 5; i++) directory.set(`Q${i}X`, { code: `Q${i}X`, name: `Integrated Care Board ${i}`, type: 'icb' });

const items = Array.from({ length: Number(values.people) }, (_, i) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, givenName: 'Alex', familyName: `Smith${i}`, localId: i % 2 ? `L${i}` : null,
  nhsNumber: '9990000018', dateOfBirth: '1980-01-02', status: i % 4 ? 'active' : 'planning', localAuthority: 'E09000001', icb: 'Q1X',
  nextReviewDue: '2027-01-01', reviewOverdue: i % 3 === 0, dischargeWarning: null,
}));
const head = ['Name', 'NHS number', 'Date of birth', 'Status', 'Local authority', 'ICB', 'Next review'].map((text, i) => (i === 1 ? { text } : { text, sort: i === 0 ? 'ascending' : 'none', href: `/register?q=smi&sort=${i}` }));
const context = {
  values: { q: 'smi' }, filtered: true, mayAdd: true, statusOptions: [{ value: '', text: 'Any status' }], keyworkerOptions: [{ value: '', text: 'Any keyworker' }],
  items, total: 1000, head, sortedBy: 'name', order: 'ascending', totalExact: false, pastTheEnd: null, totalText: 'More than 1,000', firstShown: 1, lastShown: items.length,
  pages: { next: { href: '/register?q=smi&page=2' }, items: [{ number: 1, href: '/register?q=smi', current: true }, { number: 2, href: '/register?q=smi&page=2' }] },
  downloads: { csv: '/register.csv?q=smi', xlsx: '/register.xlsx?q=smi' },
  cspNonce: 'nonce', csrfToken: 'token', actor: { role: 'la-practitioner', displayName: 'A practitioner', organisationCode: 'E09000001' }, currentPath: '/register', success: null,
  userMay: () => true, navigation: null,
  organisation: (code: string | null) => organisationMarkup(directory, code),
  organisationChoices: (type: string, selected: string | null, options?: { allText?: string; other?: boolean }) => organisationChoices(directory, type, selected, options),
};

const time = (what: () => unknown) => {
  for (let i = 0; i < 30; i++) what();
  const start = performance.now();
  for (let i = 0; i < pages; i++) what();
  return (performance.now() - start) / pages;
};
const html = env.render('pages/register.njk', context);
const render = time(() => env.render('pages/register.njk', context));
const ruleIds = time(() => moveRuleIdsBehindLegalBasis(html));
console.log(`register page, ${items.length} people: render ${render.toFixed(2)} ms, rule-id pass ${ruleIds.toFixed(2)} ms, ${html.length.toLocaleString('en-GB')} characters (${pages} pages)`);
