// Turning HTML forms into the services' input shapes, and the services' refusals back into the
// NHS error summary. Rules stay in the services and the domain: a form only reshapes what was typed
// (day, month and year into YYYY-MM-DD, "yes"/"no" into true/false) and words messages for people.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isIsoDate } from '../../domain/dates.ts';
import { ConflictError, ValidationError, type FieldError } from '../../services/kernel/errors.ts';
import { BadRequestError } from '../../services/kernel/validation.ts';
import { fieldId } from '../views.ts';
import { OTHER_ORGANISATION, organisationCodeFor } from './organisations.ts';

export type FormBody = Record<string, string>;

/** The posted form as plain strings (a repeated name keeps its first value). */
export function formBody(request: FastifyRequest): FormBody {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const out: FormBody = {};
  for (const [key, value] of Object.entries(body)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') out[key] = first;
  }
  // A list of organisations (a field with an "-other" box beside it) gives a code: chosen in the
  // select, picked or typed in the type-ahead box (by name or code), or, with "another" chosen (or
  // nothing), the code typed in the other box.
  for (const [key, value] of Object.entries(out)) {
    const field = key.endsWith('-other') ? key.slice(0, -'-other'.length) : null;
    if (!field || !(field in out)) continue;
    if ((out[field] === OTHER_ORGANISATION || out[field]!.trim() === '') && value.trim() !== '') out[field] = value.trim().toUpperCase();
    else out[field] = organisationCodeFor(request.organisations ?? null, out[field]!);
  }
  return out;
}

/** Every value of a repeated form field (checkboxes). */
export function allValues(request: FastifyRequest, name: string): string[] {
  const value = ((request.body ?? {}) as Record<string, unknown>)[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** A text field: trimmed, or undefined when left empty. */
export function text(body: FormBody, name: string): string | undefined {
  const value = (body[name] ?? '').trim();
  return value === '' ? undefined : value;
}

/** A text field the service should receive even when empty (so that it names the field). */
export function required(body: FormBody, name: string): string {
  return body[name] ?? '';
}

/** "yes" / "no" radios: true, false, or undefined when neither was chosen. */
export function yesNo(body: FormBody, name: string): boolean | undefined {
  return body[name] === 'yes' ? true : body[name] === 'no' ? false : undefined;
}

/** The hidden version field of an edit form (If-Match semantics). */
export function version(body: FormBody): number | null {
  const value = Number(body.version);
  return Number.isInteger(value) && value >= 1 ? value : null;
}

// ---------------------------------------------------------------------------------------------
// Dates: the NHS date input's three boxes, named <fieldId>-day, -month and -year.

export interface DateEntry {
  /** YYYY-MM-DD; null when all three boxes are empty; a value the service refuses when not a real date. */
  value: string | null;
  /** Why the boxes do not make a date, worded for the error message; null when they do (or are empty). */
  problem: string | null;
  empty: boolean;
}

const NOT_A_DATE = 'not-a-date';

export function readDate(body: FormBody, field: string): DateEntry {
  const id = fieldId(field);
  const day = (body[`${id}-day`] ?? '').trim();
  const month = (body[`${id}-month`] ?? '').trim();
  const year = (body[`${id}-year`] ?? '').trim();
  if (!day && !month && !year) return { value: null, problem: null, empty: true };
  const missing = [!day && 'a day', !month && 'a month', !year && 'a year'].filter((m): m is string => Boolean(m));
  if (missing.length > 0) return { value: NOT_A_DATE, problem: `must include ${missing.join(' and ')}`, empty: false };
  if (![day, month, year].every((p) => /^\d+$/.test(p))) return { value: NOT_A_DATE, problem: 'must be a real date, written in numbers', empty: false };
  if (year.length !== 4) return { value: NOT_A_DATE, problem: 'must include a year with 4 numbers', empty: false };
  const iso = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  if (day.length > 2 || month.length > 2 || !isIsoDate(iso)) return { value: NOT_A_DATE, problem: 'must be a real date', empty: false };
  return { value: iso, problem: null, empty: false };
}

/** The form values of a stored date, to prefill a date input. */
export function dateValues(field: string, iso: string | null | undefined): FormBody {
  const id = fieldId(field);
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
  if (!match) return {};
  return { [`${id}-day`]: String(Number(match[3])), [`${id}-month`]: String(Number(match[2])), [`${id}-year`]: match[1]! };
}

// ---------------------------------------------------------------------------------------------
// Messages

export interface FormWords {
  /** Each field's name in a sentence, e.g. { dateOfBirth: 'date of birth' }. */
  labels: Record<string, string>;
  /** The dates read from the form, so that their refusals say what is wrong with the boxes. */
  dates?: Record<string, DateEntry>;
  /** The message for a choice left unanswered (radios, selects). */
  unanswered?: Record<string, string>;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The services' field errors, worded for a page: a date's boxes get the NHS date messages, an
 * unanswered question its own message, a field's code name its label; the rule is kept.
 */
export function wordErrors(errors: readonly FieldError[], body: FormBody, words: FormWords): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const error of errors) {
    if (seen.has(error.field)) continue;
    seen.add(error.field);
    const label = words.labels[error.field];
    const date = words.dates?.[error.field];
    let message = error.message;
    if (date && label && date.problem) message = `${capitalise(label)} ${date.problem}`;
    else if (date && label && date.empty) message = `Enter the ${label}`;
    else if (words.unanswered?.[error.field] && !body[fieldId(error.field)]) message = words.unanswered[error.field]!;
    else if (label && message.startsWith(`${error.field} `)) message = `${capitalise(label)}${message.slice(error.field.length)}`;
    if (error.rule && !message.includes(error.rule)) message = `${message} (${error.rule})`;
    out.push({ field: error.field, message, ...(error.rule && { rule: error.rule }) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// One form submission: call the service, then go to the person page or show the form again.

export interface Submission {
  reply: FastifyReply;
  body: FormBody;
  template: string;
  /** What the template needs to show the form again (the person, the options...); read only then. */
  context: () => Promise<Record<string, unknown>>;
  words: FormWords;
  /**
   * For a conflict that is really a field's problem (a duplicate NHS number rather than a stale
   * version), the field to show it on.
   */
  conflictField?: () => Promise<string | undefined>;
  /**
   * For a conflict the page answers itself (a stale form shown again as the record is now, with its
   * own message), the answer to send instead of the form with what was typed.
   */
  conflict?: () => Promise<FastifyReply>;
}

/**
 * Calls the service; when it worked goes to the page `call` returns (303, so that reloading does not
 * post again); when the input was refused shows the form again with what was typed and the messages.
 */
export async function submit(submission: Submission, call: () => Promise<string>): Promise<FastifyReply> {
  const { reply, body, template, words } = submission;
  try {
    return reply.redirect(await call(), 303);
  } catch (error) {
    if (error instanceof ValidationError || error instanceof BadRequestError) {
      const context = await submission.context();
      return reply.status(422).render(template, { ...context, values: body, errors: wordErrors(error.errors, body, words) });
    }
    if (error instanceof ConflictError) {
      if (submission.conflict) return submission.conflict();
      const field = await submission.conflictField?.();
      const context = await submission.context();
      if (field) return reply.status(409).render(template, { ...context, values: body, errors: [{ field, message: error.message }] });
      return reply.status(409).render(template, { ...context, values: body, conflict: true });
    }
    throw error;
  }
}
