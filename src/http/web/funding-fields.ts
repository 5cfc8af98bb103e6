// Form fields shared by the services, budgets and funding policy pages: amounts typed in pounds and
// pence (sent to the services as integer pence), whole percentages and repeated fields.
import type { FastifyRequest } from 'fastify';
import { parsePounds } from '../../domain/funding.ts';
import type { FieldError } from '../../services/kernel/errors.ts';
import { text, type FormBody } from './forms.ts';

export const options = (labels: Record<string, string>, values: readonly string[]) => values.map((value) => ({ value, text: labels[value] ?? value }));

/** Every value of a repeated form field (checkboxes). */
export function many(request: FastifyRequest, name: string): string[] {
  const value = (request.body as Record<string, unknown> | undefined)?.[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v): v is string => typeof v === 'string');
}

/** Pounds typed into a box as pence; a problem when it is not an amount. */
export function pounds(body: FormBody, field: string, label: string, problems: FieldError[]): number | undefined {
  const typed = text(body, field);
  if (typed === undefined) return undefined;
  const pence = parsePounds(typed);
  if (pence === null) problems.push({ field, message: `Enter the ${label} in pounds and pence, for example 125.50` });
  return pence ?? undefined;
}

export function whole(body: FormBody, field: string, label: string, problems: FieldError[]): number | undefined {
  const typed = text(body, field);
  if (typed === undefined) return undefined;
  if (!/^\d{1,3}$/.test(typed)) {
    problems.push({ field, message: `Enter the ${label} as a whole number from 0 to 100` });
    return undefined;
  }
  return Number(typed);
}
