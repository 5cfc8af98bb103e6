// What the person page shows, put in the order a reader needs it. Statuses, explanations and the
// proposed responsible bodies come from the domain through the service; this only arranges them and
// asks the domain which actions the signed-in user may take.
import { can, canConfirmResponsibility } from '../../domain/access.ts';
import type { Episode } from '../../domain/aftercare.ts';
import { TRIGGER_LABELS } from '../../domain/planning.ts';
import type { Actor } from '../../services/kernel/actor.ts';
import type { PersonPageView } from '../../services/person-page/person-page-service.ts';
import { PLACEMENT_KIND_LABELS, REVIEW_REASON_LABELS } from './labels.ts';
import { legalBasis } from './legal-basis.ts';

type History = PersonPageView['legalHistory'];

export interface TimelineEntry {
  date: string;
  kind: 'admitted' | 'left-hospital' | 'status-began' | 'status-ended' | 'leave-began' | 'leave-ended';
  /** Hospital stay, legal status or leave the entry is about. */
  hospital?: string;
  section?: string;
  leave?: History['leave'][number];
  action?: { href: string; text: string };
}

// On the same day: arriving in hospital first; then what ended (a section replaced by another ends
// on the day the next begins); then what began; leaving hospital last. Something that began and
// ended on the same day shows its start first.
const ORDER: Record<TimelineEntry['kind'], number> = { admitted: 0, 'status-ended': 1, 'leave-ended': 1, 'status-began': 2, 'leave-began': 2, 'left-hospital': 4 };

function rank(entry: TimelineEntry & { startedOn?: string }): number {
  return (entry.kind === 'status-ended' || entry.kind === 'leave-ended') && entry.startedOn === entry.date ? 3 : ORDER[entry.kind];
}

export const END_REASONS: Record<string, string> = {
  'joint-decision': 'the local authority and the ICB jointly decided it was no longer needed',
  'new-qualifying-detention': 'a new qualifying detention began (this ends it automatically)',
  death: 'the person died',
};

export function timeline(history: History, personId: string, mayRecord: boolean): TimelineEntry[] {
  const entries: (TimelineEntry & { startedOn?: string })[] = [];
  const hospitalOf = new Map(history.admissions.map((a) => [a.id, a.hospital]));
  for (const a of history.admissions) {
    entries.push({
      date: a.admittedOn,
      kind: 'admitted',
      hospital: a.hospital,
      ...(!a.dischargedOn && mayRecord && { action: { href: `/people/${personId}/admissions/${a.id}/discharge`, text: 'Record leaving hospital' } }),
    });
    if (a.dischargedOn) entries.push({ date: a.dischargedOn, kind: 'left-hospital', hospital: a.hospital });
  }
  for (const s of history.legalStatuses) {
    const hospital = s.admissionId ? hospitalOf.get(s.admissionId) : undefined;
    entries.push({
      date: s.startDate,
      kind: 'status-began',
      section: s.section,
      ...(hospital && { hospital }),
      ...(!s.endDate && mayRecord && { action: { href: `/people/${personId}/legal-statuses/${s.id}/end`, text: 'Record the end of this legal status' } }),
    });
    if (s.endDate) entries.push({ date: s.endDate, kind: 'status-ended', section: s.section, startedOn: s.startDate });
  }
  for (const l of history.leave) {
    entries.push({ date: l.from, kind: 'leave-began', leave: l });
    if (l.to) entries.push({ date: l.to, kind: 'leave-ended', leave: l, startedOn: l.from });
  }
  return entries.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : rank(x) - rank(y)));
}

/** The keyworker, planning and advocacy panel near the end of the page. */
function planningPanel(view: PersonPageView, actor: Actor) {
  const next = view.meetings.items.filter((m) => !m.heldOn).sort((a, b) => (a.scheduledFor < b.scheduledFor ? -1 : 1))[0] ?? null;
  return {
    keyworker: view.keyworker,
    planning: view.meetings.planning,
    nextMeeting: next ? { ...next, triggerText: TRIGGER_LABELS[next.trigger] } : null,
    meetingCount: view.meetings.items.length,
    imha: view.imha,
    may: { allocate: can(actor.role, 'keyworker:allocate'), record: can(actor.role, 'planning:record') },
  };
}

/** The review clocks: what is due and overdue, as the service decided it, in words. */
function reviewClocksPanel(clocks: PersonPageView['reviewClocks']) {
  const budgetLabel = (kind: string) => (kind === 'direct-payment' ? 'Direct payment review' : 'Personal health budget review');
  return {
    ...clocks,
    budgets: clocks.budgets.map((b) => ({ ...b, label: budgetLabel(b.kind) })),
    overdueReasons: clocks.reasons.map((r) => REVIEW_REASON_LABELS[r] ?? r),
  };
}

export function personPage(view: PersonPageView, actor: Actor) {
  const { person, legalHistory, aftercare } = view;
  const mayRecord = can(actor.role, 'legal-history:record');
  const mayConfirm = (e: Episode) => can(actor.role, 'responsibility:confirm') && canConfirmResponsibility(actor, [e.localAuthority.code, e.icb.code]);
  const episodes = [...aftercare.episodes].reverse().map((e) => ({
    ...e,
    endReasonText: e.endReason ? END_REASONS[e.endReason] ?? e.endReason : null,
    confirmHref: mayConfirm(e) ? `/people/${person.id}/episodes/${e.id}/responsibility` : null,
  }));
  return {
    title: `${person.givenName} ${person.familyName}`,
    width: 'two-thirds',
    person,
    aftercare,
    statusSummary: { ...view.statusSummary, basis: legalBasis(view.statusSummary.rules) },
    episodes,
    decisionsNeeded: aftercare.episodes.flatMap((e) => e.decisionsNeeded.map((d) => ({ ...d, episodeFrom: e.qualifyingFrom, section: e.qualifyingSection }))),
    timeline: timeline(legalHistory, person.id, mayRecord),
    // MHA25-3: accommodation councils arranged, latest first; an open one offers the form to record its end.
    placements: [...view.placements].reverse().map((p) => ({
      ...p,
      kindText: PLACEMENT_KIND_LABELS[p.kind] ?? p.kind,
      s117Text: p.s117 === true ? 'Yes' : p.s117 === false ? 'No' : 'Not recorded',
      endHref: !p.to && mayRecord ? `/people/${person.id}/placements/${p.id}/end` : null,
    })),
    legalHistory,
    may: { record: mayRecord, edit: can(actor.role, 'person:update') },
    earlierResidences: person.residenceHistory.filter((r) => r !== null && !(r.localAuthority === person.residence?.localAuthority && r.since === person.residence?.since)),
    earlierGps: person.gpHistory.filter((g) => !(g.icb === person.gp?.icb && g.since === person.gp?.since && g.practiceCode === person.gp?.practiceCode)),
    plan: view.plan,
    planning: planningPanel(view, actor),
    reviewClocks: reviewClocksPanel(view.reviewClocks),
  };
}
