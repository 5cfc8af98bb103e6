// Review reminders (REV-1): one email to each keyworker and each s117 lead (the approvers of the
// responsible local authority and ICB) listing their people's reviews due within 14 days and
// overdue, the reviews of their direct payments and personal health budgets due within 14 days and
// overdue (DP-1(d), DP-2; issue 15), and the approvals waiting for the lead's organisation. The emails carry initials and the
// register's link to each person only: never a name, NHS number or address.
import { addDays, formatDate, todayInLondon } from '../../domain/dates.ts';
import { reviewTiming } from '../../domain/reviews.ts';
import { reviewDueShown } from '../reviews/reviews-views.ts';
import { appendAuditEvent } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import { peopleWithPending } from '../../data/ending-repository.ts';
import * as reviewsRepo from '../../data/reviews-repository.ts';

/** Reviews due within this many days are in the reminders (with those overdue). */
export const REMINDER_DUE_DAYS = 14;

export interface ReminderItem { personId: string; initials: string; nextDueOn: string; overdue: boolean }
export interface PendingItem { personId: string; initials: string }

export interface Reminder {
  to: { email: string; name: string };
  kind: 'keyworker' | 's117-lead';
  organisationCode: string | null;
  reviews: ReminderItem[];
  /** DP-1(d), DP-2: people whose direct payment or personal health budget review is due or overdue (the earliest of their budgets). */
  budgetReviews: ReminderItem[];
  pendingApprovals: PendingItem[];
}

export interface Email { to: string; subject: string; text: string }

export function initials(givenName: string, familyName: string): string {
  const first = (s: string) => (s.trim()[0] ?? '').toUpperCase();
  return `${first(givenName)}.${first(familyName)}.`;
}

export function createReminderService(db: Db, { clock }: { clock: () => Date }) {
  return {
    /** Works out who should be reminded of what today; changes nothing. */
    async plan(): Promise<Reminder[]> {
      const today = todayInLondon(clock());
      const dueBefore = addDays(today, REMINDER_DUE_DAYS + 1);
      const all = await reviewsRepo.listDueReviews(db, { visibleTo: null, dueBefore, includeBudgetReviews: true });
      const dated = (r: reviewsRepo.DueReviewRow, due: string): ReminderItem => ({ personId: r.id, initials: initials(r.given_name, r.family_name), nextDueOn: due, overdue: reviewTiming(due, today, REMINDER_DUE_DAYS) === 'overdue' });
      // REV-1 reviews, and DP-1(d)/DP-2 budget reviews, each by its own clock.
      const rows = all.filter((r) => (reviewDueShown(r) ?? dueBefore) < dueBefore);
      const budgetRows = all.filter((r) => r.budget_review_due !== null && r.budget_review_due < dueBefore);
      const item = (r: reviewsRepo.DueReviewRow) => dated(r, reviewDueShown(r)!);
      const budgetItem = (r: reviewsRepo.DueReviewRow) => dated(r, r.budget_review_due!);
      const reminders: Reminder[] = [];

      const byKeyworker = new Map<string, Reminder>();
      const keyworkerReminder = (r: reviewsRepo.DueReviewRow) => {
        const reminder = byKeyworker.get(r.keyworker_email!) ?? { to: { email: r.keyworker_email!, name: r.keyworker_name ?? '' }, kind: 'keyworker' as const, organisationCode: null, reviews: [], budgetReviews: [], pendingApprovals: [] };
        byKeyworker.set(r.keyworker_email!, reminder);
        return reminder;
      };
      for (const r of rows) if (r.keyworker_email) keyworkerReminder(r).reviews.push(item(r));
      for (const r of budgetRows) if (r.keyworker_email) keyworkerReminder(r).budgetReviews.push(budgetItem(r));
      reminders.push(...byKeyworker.values());

      const leads = await reviewsRepo.allLeads(db);
      const pendingByOrg = new Map<string, string[]>();
      // END-1, END-6: the people with an ending proposal or reinstatement waiting for approval whom each lead's organisation can see.
      for (const code of new Set(leads.map((l) => l.organisation_code))) pendingByOrg.set(code, await peopleWithPending(db, code));
      const pendingIds = [...new Set([...pendingByOrg.values()].flat())];
      const names = new Map((await reviewsRepo.personNames(db, pendingIds)).map((p) => [p.id, initials(p.given_name, p.family_name)]));
      for (const lead of leads) {
        const theirs = (r: reviewsRepo.DueReviewRow) => r.local_authority_code === lead.organisation_code || r.icb_code === lead.organisation_code;
        const reviews = rows.filter(theirs).map(item);
        const budgetReviews = budgetRows.filter(theirs).map(budgetItem);
        const pendingApprovals = (pendingByOrg.get(lead.organisation_code) ?? []).map((personId) => ({ personId, initials: names.get(personId) ?? '' }));
        if (reviews.length === 0 && budgetReviews.length === 0 && pendingApprovals.length === 0) continue;
        reminders.push({ to: { email: lead.email, name: lead.name }, kind: 's117-lead', organisationCode: lead.organisation_code, reviews, budgetReviews, pendingApprovals });
      }
      return reminders;
    },

    /** One audit event for a run: how many emails and people, never who. */
    async recordRun(sent: number, failed: number, people: number): Promise<void> {
      await db.transaction().execute((trx) => appendAuditEvent(trx, { userId: null, organisationId: null, action: 'reminders.send', recordType: 'reminders', details: { sent, failed, people } }, clock()));
    },
  };
}

export type ReminderService = ReturnType<typeof createReminderService>;

/** The email for one reminder. Subject and body carry counts, initials and links only. */
export function reminderEmail(reminder: Reminder, baseUrl: string, today: string): Omit<Email, 'to'> {
  const overdue = reminder.reviews.filter((r) => r.overdue);
  const dueSoon = reminder.reviews.filter((r) => !r.overdue);
  const parts = [`${overdue.length} overdue`, `${dueSoon.length} due in the next ${REMINDER_DUE_DAYS} days`];
  if (reminder.kind === 's117-lead') parts.push(`${reminder.pendingApprovals.length} waiting for approval`);
  const budgetReviews = reminder.budgetReviews ?? [];
  if (budgetReviews.length > 0) parts.push(`${budgetReviews.length} budget ${budgetReviews.length === 1 ? 'review' : 'reviews'} due or overdue`);
  const link = (personId: string) => `${baseUrl.replace(/\/$/, '')}/people/${personId}`;
  const lines = [
    `Hello ${reminder.to.name},`,
    '',
    reminder.kind === 'keyworker'
      ? `These are the section 117 reviews of the people you are keyworker for, as of ${formatDate(today)}.`
      : `These are the section 117 reviews for people your organisation is responsible for, as of ${formatDate(today)}.`,
    '',
  ];
  const section = (title: string, items: string[]) => {
    if (items.length === 0) return;
    lines.push(title, ...items, '');
  };
  section('Overdue reviews:', overdue.map((r) => `- ${r.initials} review was due ${formatDate(r.nextDueOn)}: ${link(r.personId)}`));
  section(`Reviews due in the next ${REMINDER_DUE_DAYS} days:`, dueSoon.map((r) => `- ${r.initials} review due ${formatDate(r.nextDueOn)}: ${link(r.personId)}`));
  section(
    `Direct payment and personal health budget reviews due in the next ${REMINDER_DUE_DAYS} days or overdue (DP-1, DP-2):`,
    budgetReviews.map((r) => `- ${r.initials} budget review ${r.overdue ? 'was due' : 'due'} ${formatDate(r.nextDueOn)}: ${link(r.personId)}/services`),
  );
  if (reminder.kind === 's117-lead') section('Decisions waiting for approval (ending or reinstating aftercare):', reminder.pendingApprovals.map((p) => `- ${p.initials}: ${link(p.personId)}`));
  lines.push(`All reviews due and overdue: ${baseUrl.replace(/\/$/, '')}/reviews`, '', 'This email was sent by the Section 117 Aftercare Register. Sign in to see the details.');
  return { subject: `Section 117 reviews: ${parts.join(', ')}`, text: lines.join('\n') };
}
