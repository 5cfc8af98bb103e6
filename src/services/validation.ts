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
  if (result.success) return result.data;
  const wrongType: FieldError[] = [];
  const invalid: FieldError[] = [];
  for (const issue of result.error.issues) {
    const field = issue.path.join('.');
    const given = valueAt(input, issue.path);
    if (issue.code === 'invalid_type' && given !== undefined && given !== null) {
      wrongType.push({ field, message: `${field || 'The body'} has the wrong type: ${issue.message.replace(/^Invalid input: /, '')}` });
    } else {
      invalid.push({ field, message: given === undefined && issue.code === 'invalid_type' ? `Enter ${describeField(field)}` : issue.message });
    }
  }
  if (wrongType.length > 0) throw new BadRequestError(wrongType);
  throw new ValidationError(invalid);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describeField(field: string): string {
  const last = field.split('.').at(-1) ?? field;
  return `${last.replace(/([A-Z])/g, ' $1').toLowerCase()}`;
}
