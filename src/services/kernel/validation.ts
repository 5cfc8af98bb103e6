// Turns zod's findings into the contract's answers: a value of the wrong JSON type is a malformed
// request (400); a missing or invalid value is invalid input (422). Both name the field.
import type { z } from 'zod';
import { ValidationError, type FieldError } from './errors.ts';

export class BadRequestError extends Error {
  readonly errors: FieldError[];
  constructor(errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    this.errors = errors;
  }
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new BadRequestError([{ field: '', message: 'The request body must be a JSON object' }]);
  }
  const result = schema.safeParse(input);
  if (result.success) {
    // What the database cannot store is refused here, once for every input, rather than fail there (a 500).
    const unstorable = unstorableValues(result.data, []);
    if (unstorable.length > 0) throw new ValidationError(unstorable);
    return result.data;
  }
  const wrongType: FieldError[] = [];
  const invalid: FieldError[] = [];
  for (const issue of result.error.issues) {
    const field = issue.path.join('.');
    const given = valueAt(input, issue.path);
    // A number where one of a set of strings is expected (section: 3) is a wrong type too.
    const wrongChoice = issue.code === 'invalid_value' && !issue.values.some((v) => typeof v === typeof given);
    if ((issue.code === 'invalid_type' || wrongChoice) && given !== undefined && given !== null) {
      wrongType.push({ field, message: `${field || 'The body'} has the wrong type: ${issue.message.replace(/^Invalid input: /, '')}` });
    } else {
      invalid.push({ field, message: given === undefined && issue.code === 'invalid_type' ? missingMessage(field, issue.message) : issue.message });
    }
  }
  if (wrongType.length > 0) throw new BadRequestError(wrongType);
  throw new ValidationError(invalid);
}

/**
 * Values no column can hold: text with the NUL character (PostgreSQL text cannot hold it) or an
 * unpaired UTF-16 surrogate (not valid Unicode: PostgreSQL refuses it), and numbers beyond the exact
 * integers (|n| > 2^53 - 1, which also keeps every number within a bigint column). Each names its field.
 */
export function unstorableValues(value: unknown, path: readonly PropertyKey[]): FieldError[] {
  const field = path.join('.');
  const name = field || 'The value';
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return [{ field, message: `${name} must not contain the NUL character` }];
    if (!value.isWellFormed()) return [{ field, message: `${name} must be valid text: it holds a broken character (an unpaired UTF-16 surrogate)` }];
    return [];
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER ? [] : [{ field, message: `${name} is too large` }];
  }
  if (value === null || typeof value !== 'object' || value instanceof Date) return [];
  return Object.entries(value).flatMap(([key, v]) => unstorableValues(v, [...path, key]));
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** A schema's own message where it has one ("Say whether this leave starts aftercare"); otherwise a plain one. */
function missingMessage(field: string, schemaMessage: string): string {
  return schemaMessage.startsWith('Invalid input') ? `${field || 'A value'} is required` : schemaMessage;
}

/** A rule's finding about some input: the field, a plain message and the rule that refused it. */
export interface RuleViolation { field: string; message: string; rule?: string }

/** Refuses input that breaks rules (422), naming each field and rule; does nothing when there are none. */
export function refuse(violations: readonly RuleViolation[]): void {
  if (violations.length > 0) throw new ValidationError(violations.map((v) => ({ field: v.field, message: v.message, ...(v.rule && { rule: v.rule }) })));
}
