// Server-rendered pages: Nunjucks with the NHS design system's own macros.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import nunjucks from 'nunjucks';
import { formatDate } from '../domain/dates.ts';
import { formatNhsNumber } from '../domain/nhs-number.ts';
import { sectionLabel, isSectionCode } from '../domain/sections.ts';
import type { FieldError } from '../services/kernel/errors.ts';
import type { Problem } from './problem.ts';
import { can, type Action } from '../domain/access.ts';
import { AFTERCARE_STATUS_COLOURS, AFTERCARE_STATUS_LABELS } from './web/labels.ts';
import { organisationChoices, organisationMarkup, organisationNames, organisationNamesIn, organisationText } from './web/organisations.ts';
import { legalBasis, moveRuleIdsBehindLegalBasis, plainSentence } from './web/legal-basis.ts';
import { takeSuccess } from './web/success.ts';
import { navigationFor } from './web/navigation.ts';

const require = createRequire(import.meta.url);
const NHSUK = path.join(path.dirname(require.resolve('nhsuk-frontend/package.json')), 'dist');
const VIEWS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'web', 'views');

declare module 'fastify' {
  interface FastifyReply {
    render(template: string, context?: Record<string, unknown>): FastifyReply;
    renderError(problem: Problem): FastifyReply;
  }
}



/**
 * Compiled templates are kept (recompiling the design system's macros costs 100-200 ms a page).
 * While editing templates, set S117_RELOAD_VIEWS=true to read them afresh on every page (the
 * configuration never turns it on in production).
 */
export function createViewEnvironment(options: { reload: boolean }): nunjucks.Environment {
  const reload = options.reload;
  const env = nunjucks.configure([VIEWS, NHSUK, path.join(NHSUK, 'nhsuk')], { autoescape: true, noCache: reload, throwOnUndefined: false });
  env.addFilter('ukDate', (value: string | null | undefined) => (value ? formatDate(value) : ''));
  env.addFilter('nhsNumber', (value: string | null | undefined) => (value ? formatNhsNumber(value) : ''));
  env.addFilter('section', (value: string) => (isSectionCode(value) ? sectionLabel(value) : value));
  // Capitalises the first letter only ("section 45A ..." keeps its capital A, unlike `capitalize`).
  env.addFilter('sentence', (value: string | null | undefined) => (value ? value.charAt(0).toUpperCase() + value.slice(1) : ''));
  env.addFilter('statusLabel', (value: string) => AFTERCARE_STATUS_LABELS[value] ?? value);
  env.addFilter('statusColour', (value: string) => AFTERCARE_STATUS_COLOURS[value] ?? 'grey');
  // Field errors: the error summary links each message to its field; fields show their own message.
  env.addGlobal('errorList', (errors: FieldError[] = []) => errors.map((e) => ({ text: e.message, href: `#${fieldId(e.field)}` })));
  env.addGlobal('errorFor', (errors: FieldError[] | undefined, ...fields: string[]) => {
    const found = errors?.find((e) => fields.includes(e.field));
    return found ? { text: found.message } : undefined;
  });
  env.addGlobal('fieldId', fieldId);
  env.addFilter('trim', fastTrim(env.getFilter('trim')));
  return env;
}

/**
 * Nunjucks' own `trim` is `str.replace(/^\s*|\s*$/g, '')`: a regular expression tried at every
 * position of the string. The NHS design system's components trim their whole captured markup, and
 * components nest (a card's content holds summary lists, tags, buttons...), so a page's markup was
 * scanned many times over (issue 14 item 2). String.prototype.trim takes away exactly the same
 * characters (\s and trim are both WhiteSpace and LineTerminator) from the ends only. Safe strings
 * stay safe, as copySafeness keeps them; anything else (not a string) goes to nunjucks' own filter.
 */
function fastTrim(original: (...args: unknown[]) => unknown) {
  const { SafeString } = nunjucks.runtime;
  return (value: unknown) => {
    if (typeof value === 'string') return value.trim();
    if (value instanceof SafeString) return new SafeString(value.toString().trim());
    return original(value);
  };
}

/** The id of a field's input: "residence.since" becomes "residence-since". */
export function fieldId(field: string): string {
  return (field || 'form').replace(/[^A-Za-z0-9_-]/g, '-');
}

export function registerViews(app: FastifyInstance, options: { production: boolean; reload: boolean }): void {
  const env = createViewEnvironment({ reload: !options.production && options.reload });
  app.decorateReply('render', function (this: FastifyReply, template: string, context: Record<string, unknown> = {}) {
    const html = env.render(template, {
      ...context,
      cspNonce: this.cspNonce?.script,
      csrfToken: this.generateCsrf(),
      actor: this.request.actor,
      currentPath: this.request.url.split('?')[0],
      // Issue 9 item 4: the success banner after a change (web/success.ts), read once from its flash cookie.
      success: takeSuccess(this),
      // What the signed-in user may do: navigation and buttons offer nothing they could not submit.
      userMay: (action: Action) => Boolean(this.request.actor && can(this.request.actor.role, action)),
      // Issue 9 item 5: the header's links for the role, the rest on the More page (web/navigation.ts).
      navigation: this.request.actor ? navigationFor(this.request.actor) : null,
      // Organisations by name, the code beside (web/organisations.ts).
      organisation: (code: string | null | undefined) => organisationMarkup(this.request.organisations, code),
      organisationText: (code: string | null | undefined) => organisationText(this.request.organisations, code),
      namesIn: (text: string | null | undefined) => organisationNamesIn(this.request.organisations, text),
      // A sentence the rules wrote, in plain words, with the rules behind it (web/legal-basis.ts).
      explain: (rule: string | null | undefined, text: string | null | undefined) => {
        const plain = plainSentence(text);
        return { text: organisationNamesIn(this.request.organisations, plain.text), basis: legalBasis([rule, ...plain.rules]) };
      },
      organisationChoices: (type: string, selected: string | null | undefined, options?: { allText?: string; other?: boolean }) => organisationChoices(this.request.organisations, type, selected, options),
      organisationNames: (type: string) => organisationNames(this.request.organisations, type),
    });
    // Issue 9 item 6: rule ids only behind a "Legal basis" detail, whoever wrote them into the page.
    return this.type('text/html; charset=utf-8').send(moveRuleIdsBehindLegalBasis(html));
  });
  app.decorateReply('renderError', function (this: FastifyReply, problem: Problem) {
    return this.render('pages/error.njk', { problem });
  });
}
