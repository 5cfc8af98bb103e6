// Lists of records across people (issue 9 item 9: complaints, disputes): the filters they share (a
// status, the person by name or NHS number, a range of dates), numbered pages, and the audit: a list
// across people is a read of each record it shows, so each person shown gets an audit event naming
// the records read, besides the one event of the search itself (which never holds the name or NHS
// number searched for).
import { z } from 'zod';
import { appendAuditEvents } from '../../data/audit-repository.ts';
import type { PersonFilter } from '../../data/complaints-repository.ts';
import type { Db } from '../../data/database.ts';
import { IsoDateInput } from '../people/people-inputs.ts';
import { auditActor, type Actor } from './actor.ts';

export const ACROSS_PAGE_SIZE = 25;

export function acrossPeopleInput<S extends readonly [string, ...string[]]>(statuses: S) {
  return z.object({
    status: z.enum(statuses, { message: 'Choose a status from the list' }).optional(),
    person: z.string().trim().max(100, 'Enter at most 100 characters').optional(),
    from: IsoDateInput.optional(),
    to: IsoDateInput.optional(),
    page: z.coerce.number({ message: 'That page is not one this list has' }).int('That page is not one this list has').min(1, 'That page is not one this list has').max(100_000, 'That page is not one this list has').default(1),
  }).refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'The end date must be the same as or after the start date', path: ['to'] });
}

/** "999 123 4567" is an NHS number; anything else is words of a name. */
export function personFilter(text: string | undefined): PersonFilter | undefined {
  if (!text) return undefined;
  const digits = text.replace(/[\s-]/g, '');
  if (/^\d{10}$/.test(digits)) return { nhsNumber: digits };
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  return words.length ? { words } : undefined;
}

/** The page asked for, the offset it starts at, and the number of pages for a total. */
export function pageWindow(page: number, total: number) {
  const pages = Math.max(1, Math.ceil(total / ACROSS_PAGE_SIZE));
  return { page, pages, total, pageSize: ACROSS_PAGE_SIZE };
}

/** One audit event per person shown: a read of their records (recordType) with the ids read. */
export async function auditReadsOfPeople(trx: Db, actor: Actor, action: string, recordType: string, shown: readonly { personId: string; id: string }[], now: Date): Promise<void> {
  const byPerson = new Map<string, string[]>();
  for (const row of shown) byPerson.set(row.personId, [...(byPerson.get(row.personId) ?? []), row.id]);
  await appendAuditEvents(
    trx,
    [...byPerson].map(([personId, ids]) => ({ ...auditActor(actor), action, recordType, recordId: ids.length === 1 ? ids[0]! : null, personId, details: { list: 'across-people', ids } })),
    now,
  );
}
