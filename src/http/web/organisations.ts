// Organisations by name on every page (issue 9): the pages show "Northbridge Borough Council" with
// the ONS or ODS code in small text beside it, and forms offer the organisations the register
// knows as a list (a plain select, which works without JavaScript), with a box for the code of one
// it does not know yet. The directory is read once every 30 seconds at most: organisations are
// added rarely (by an admin on the command line), and a name that appears half a minute late does
// no harm, in one process or several.
import type { FastifyInstance } from 'fastify';
import nunjucks from 'nunjucks';
import type { Services } from '../../services/index.ts';

export interface DirectoryEntry { code: string; name: string; type: string }
export type OrganisationDirectory = ReadonlyMap<string, DirectoryEntry>;

/** The value of a list's "another organisation" choice; the code is then in the `<field>-other` box. */
export const OTHER_ORGANISATION = '__other';
const MAX_AGE_MS = 30_000;

declare module 'fastify' {
  interface FastifyRequest { organisations: OrganisationDirectory | null }
}

export function registerOrganisationDirectory(web: FastifyInstance, services: Services): void {
  let directory: OrganisationDirectory | null = null;
  let loadedAt = 0;
  let loadedVersion = 0;
  web.decorateRequest('organisations', null);
  web.addHook('preHandler', async (request) => {
    if (!request.actor) return;
    if (!directory || Date.now() - loadedAt > MAX_AGE_MS || services.accounts.organisationsVersion() !== loadedVersion) {
      loadedVersion = services.accounts.organisationsVersion();
      const rows = await services.accounts.listOrganisations();
      directory = new Map(rows.map((o) => [o.code, { code: o.code, name: o.name, type: o.type }]));
      loadedAt = Date.now();
    }
    request.organisations = directory;
  });
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (value: string) => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/** "Name <small code>", or the code alone for one the register does not know. */
export function organisationMarkup(directory: OrganisationDirectory | null, code: string | null | undefined): nunjucks.runtime.SafeString | string {
  if (!code) return '';
  const entry = directory?.get(code);
  if (!entry) return code;
  return new nunjucks.runtime.SafeString(`${escape(entry.name)} <span class="s117-org-code">${escape(code)}</span>`);
}

/** The name alone, for plain text (titles, hints, letters), with the code in brackets. */
export function organisationText(directory: OrganisationDirectory | null, code: string | null | undefined): string {
  if (!code) return '';
  const entry = directory?.get(code);
  return entry ? `${entry.name} (${code})` : code;
}

/**
 * A sentence written by the rules ("ordinarily resident in E09000099") with each code the register
 * knows preceded by its organisation's name ("… in Northbridge Borough Council (E09000099)").
 */
export function organisationNamesIn(directory: OrganisationDirectory | null, text: string | null | undefined): string {
  if (!text || !directory || directory.size === 0) return text ?? '';
  return text.replace(/\b[A-Z0-9]{3,9}\b/g, (code, offset: number) => {
    const entry = directory.get(code);
    // A code already named ("Northbridge Borough Council (E09000099)", as a reason saved from a form) stays as it is.
    const before = text.slice(0, offset).replace(/[\s(]+$/, '');
    return entry && !before.endsWith(entry.name) ? `${entry.name} (${code})` : code;
  });
}

const KIND_WORDS: Record<string, { choose: string; other: string }> = {
  'local-authority': { choose: 'Choose a local authority', other: 'Another local authority (enter its ONS code below)' },
  body: { choose: 'Choose a local authority or an ICB', other: 'Another body (enter its ONS or ODS code below)' },
  icb: { choose: 'Choose an ICB', other: 'Another ICB (enter its ODS code below)' },
  provider: { choose: 'Choose a provider', other: 'Another provider (enter its ODS code below)' },
};

/**
 * The items of a select of organisations of one type, the chosen one selected. A code the register
 * does not know stays as a choice of its own, so that nothing typed before is lost.
 */
export function organisationChoices(directory: OrganisationDirectory | null, type: string, selected: string | null | undefined, options: { allText?: string; other?: boolean } = {}) {
  const words = KIND_WORDS[type] ?? { choose: 'Choose an organisation', other: 'Another organisation (enter its code below)' };
  // 'any': every organisation, whatever its type (the audit page's filter); 'body': the local
  // authorities and ICBs (the two bodies that share the duty: disputes, interim funders).
  const known = [...(directory?.values() ?? [])].filter((o) => type === 'any' || o.type === type || (type === 'body' && (o.type === 'local-authority' || o.type === 'icb'))).sort((a, b) => a.name.localeCompare(b.name));
  const items = [{ value: '', text: options.allText ?? words.choose, selected: !selected }];
  for (const o of known) items.push({ value: o.code, text: `${o.name} (${o.code})`, selected: o.code === selected });
  if (selected && selected !== OTHER_ORGANISATION && !known.some((o) => o.code === selected)) items.push({ value: selected, text: selected, selected: true });
  if (options.other !== false) items.push({ value: OTHER_ORGANISATION, text: words.other, selected: selected === OTHER_ORGANISATION });
  return items;
}

/**
 * What was typed or chosen in a list of organisations, as the organisation's code. Without
 * JavaScript the list is a select and posts the code itself; with JavaScript it is a box with
 * type-ahead (static/organisations.js) and posts what the person chose or typed: "Name (CODE)",
 * the name alone or the code, in any case. Anything else is kept as typed (a code-like value in
 * capitals) so that the service names the field and the person's words are shown again.
 */
export function organisationCodeFor(directory: OrganisationDirectory | null, typed: string): string {
  const value = typed.trim();
  if (value === '' || value === OTHER_ORGANISATION || !directory) return value;
  const upper = value.toUpperCase();
  if (directory.has(upper)) return upper;
  const bracketed = /\(([A-Za-z0-9]{3,9})\)$/.exec(value)?.[1]?.toUpperCase();
  if (bracketed && directory.has(bracketed)) return bracketed;
  const named = [...directory.values()].filter((o) => o.name.toLowerCase() === value.toLowerCase());
  if (named.length === 1) return named[0]!.code;
  // Shaped like a code (an ODS code has 3 to 5 characters; an ONS code and a practice's have digits).
  return /^[A-Za-z0-9]{3,9}$/.test(value) && (value.length <= 5 || /\d/.test(value)) ? upper : value;
}

/** The names of the organisations of one type, for a free-text box's suggestions (`<datalist>`). */
export function organisationNames(directory: OrganisationDirectory | null, type: string): string[] {
  return [...(directory?.values() ?? [])].filter((o) => o.type === type).map((o) => o.name).sort((a, b) => a.localeCompare(b));
}

/**
 * Whether a body chosen from a list of local authorities and ICBs is a local authority or an ICB:
 * its type when the register knows it, otherwise read from the code's form (an ONS local authority
 * code is a letter and eight digits, for example E09000007; an ICB's ODS code is three characters).
 */
export function bodyKindOf(directory: OrganisationDirectory | null, code: string): 'local-authority' | 'icb' {
  const type = directory?.get(code)?.type;
  if (type === 'local-authority' || type === 'icb') return type;
  return /^[EWSN]\d{8}$/.test(code) ? 'local-authority' : 'icb';
}
