// Why the aftercare status is what it is, in plain words (issue 9, item 4). The status panel of the
// person page opens with one short paragraph a busy practitioner can act on: what the status rests on
// (the detention, leaving hospital, leave, a CTO, a joint ending...) and, where the record is waiting
// for something, what to record next. It is derived from the same facts, and the same derivation
// (computeAftercare), that give the status, so the two can never disagree. The text names no rule:
// the rules it rests on are returned beside it, for the page's "Legal basis" detail.

import { computeAftercare, type AftercareResult, type Episode, type PersonFacts } from './aftercare.ts';
import type { IsoDate } from './dates.ts';
import { formatDate } from './dates.ts';
import { isCommunityStatus, isHospitalDetention, isQualifyingSection, SECTION_CODES, sectionShortName } from './sections.ts';

export interface StatusSummary {
  status: AftercareResult['status'];
  /** One or two plain sentences, no rule ids. */
  text: string;
  /** What to record next, when the record is waiting for something; null otherwise. */
  nextStep: string | null;
  /** The rules the sentences rest on, for the "Legal basis" detail. */
  rules: string[];
}

type LegalStatus = PersonFacts['legalStatuses'][number];

const inForceOn = (s: { startDate: IsoDate; endDate: IsoDate | null }, d: IsoDate): boolean => s.startDate <= d && (s.endDate === null || s.endDate >= d);
const on = (d: IsoDate): string => formatDate(d);

function listInWords(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The statuses recorded in the latest episode's time (from its detention to `today`). */
function inEpisode(facts: PersonFacts, episode: Episode, today: IsoDate) {
  const within = (d: IsoDate) => d >= episode.detentionFrom && d <= today;
  return { statuses: facts.legalStatuses.filter((s) => within(s.startDate)), within };
}

/**
 * ELIG-1 to ELIG-12, PLAN-1, END-1, END-2, END-5 to END-7: the person's status explained in plain words
 * from the recorded facts as they stood at the end of `today`. `name` is how the person is called in
 * the sentence (their given name).
 */
export function statusSummary(facts: PersonFacts, today: IsoDate, name: string, derived?: AftercareResult): StatusSummary {
  const result = derived ?? computeAftercare(facts, today);
  const latest = result.episodes.at(-1);
  if (!latest) return notEntitled(facts, today, name);
  const { statuses, within } = inEpisode(facts, latest, today);
  const summary = (text: string, rules: string[], nextStep: string | null = null): StatusSummary => ({ status: result.status, text, nextStep, rules });

  switch (latest.status) {
    case 'planning': {
      // PLAN-1, ELIG-3: the qualifying section in force now (the latest of the chain).
      const current = statuses.filter((s) => isQualifyingSection(s.section) && inForceOn(s, today)).at(-1);
      const section = sectionShortName(current?.section ?? latest.qualifyingSection);
      const since = on(current?.startDate ?? latest.qualifyingFrom);
      const base = `${name} has been detained under ${section} since ${since}.`;
      // ELIG-3: leaving hospital recorded while the section is still in force does not start aftercare.
      const left = facts.admissions
        .filter((a) => a.dischargedOn !== null && a.dischargedOn <= today && within(a.dischargedOn))
        .filter((a) => !facts.admissions.some((b) => b.admittedOn >= (a.dischargedOn as IsoDate) && b.admittedOn <= today))
        .at(-1);
      if (left) {
        return summary(
          `${base} Leaving hospital on ${on(left.dischargedOn as IsoDate)} is recorded, but ${section} is still recorded as in force, so aftercare has not started: it starts only when they are no longer detained and have left hospital.`,
          ['ELIG-3', 'ELIG-4'],
          `Record the date ${section} ended, or record section 17 leave if they are on leave.`,
        );
      }
      // ELIG-4: section 17 leave recorded as not starting aftercare.
      const onLeave = facts.leaves.filter((l) => !l.triggersAftercare && within(l.from) && (l.to === null || l.to >= today)).at(-1);
      if (onLeave) {
        return summary(
          `${base} They are on section 17 leave from ${on(onLeave.from)}, recorded as not starting aftercare, so they are still detained. Aftercare starts when they leave hospital; plan it now.`,
          ['ELIG-4', 'PLAN-1'],
        );
      }
      return summary(`${base} Aftercare starts when they leave hospital; plan it now, so that services are ready on the day.`, ['ELIG-1', 'ELIG-3', 'PLAN-1']);
    }

    case 'entitled-pending-discharge': {
      const ended = latest.sectionEndedOn as IsoDate;
      const section = sectionShortName(latest.qualifyingSection);
      const stay = facts.admissions.find((a) => a.admittedOn <= ended && (a.dischargedOn === null || a.dischargedOn >= ended));
      if (!stay) {
        return summary(
          `${name}’s ${section} ended on ${on(ended)}, but no hospital stay is recorded for this detention, so the day aftercare started cannot be worked out.`,
          ['ELIG-3'],
          'Record the hospital stay and the date they left hospital.',
        );
      }
      return summary(
        `${name}’s ${section} ended on ${on(ended)} and they are staying in hospital informally. They are entitled to aftercare, which starts on the day they leave hospital.`,
        ['ELIG-7', 'ELIG-3'],
        'Record the day they leave hospital when it comes.',
      );
    }

    case 'active': {
      const started = latest.leftHospitalOn as IsoDate;
      const lines: string[] = [];
      const rules: string[] = [];
      const community = (section: LegalStatus['section']) => statuses.filter((s) => s.section === section && inForceOn(s, today)).at(-1);
      const cto = latest.communityTreatmentOrder ? community('17A') : undefined;
      const cd = latest.conditionallyDischarged ? community('CD') : undefined;
      const leave = facts.leaves.find((l) => l.triggersAftercare && l.from === started);
      if (cto) {
        lines.push(`${name} has been on a community treatment order since ${on(cto.startDate)}, so aftercare has run since ${on(started)}. It cannot be ended while the order is in force.`);
        rules.push('ELIG-5', 'END-2');
      } else if (cd) {
        lines.push(`${name} has been conditionally discharged since ${on(cd.startDate)}, so aftercare has run since ${on(started)}. While the conditional discharge lasts, ending aftercare needs a recorded reason to override.`);
        rules.push('ELIG-6', 'END-2');
      } else if (leave) {
        lines.push(`${name} went on section 17 leave on ${on(started)}, and the team recorded that this meant they had left hospital, so aftercare started that day.`);
        rules.push('ELIG-4');
      } else if (latest.sectionEndedOn !== null && latest.sectionEndedOn > started) {
        lines.push(`${name} left hospital before their ${sectionShortName(latest.qualifyingSection)} ended, so aftercare started when it ended, on ${on(started)}.`);
        rules.push('ELIG-3');
      } else {
        lines.push(`${name} left hospital on ${on(started)}${latest.sectionEndedOn ? ` after their ${sectionShortName(latest.qualifyingSection)} ended` : ''}, so aftercare started that day.`);
        rules.push('ELIG-3');
      }
      const reinstated = (facts.reinstatements ?? []).filter((r) => r.episodeId === latest.id && r.reinstatedOn <= today).at(-1);
      if (reinstated) {
        lines.push(`It was ended jointly and then reinstated by both bodies on ${on(reinstated.reinstatedOn)}.`);
        rules.push('END-6');
      }
      // ELIG-8a: back in hospital informally or under a non-qualifying power.
      const back = facts.admissions.filter((a) => a.admittedOn > started && a.admittedOn <= today && (a.dischargedOn === null || a.dischargedOn >= today)).at(-1);
      if (back) {
        const power = statuses.filter((s) => s.startDate >= back.admittedOn && isHospitalDetention(s.section) && !isQualifyingSection(s.section) && inForceOn(s, today)).at(-1);
        lines.push(`They are back in hospital since ${on(back.admittedOn)}${power ? `, under ${sectionShortName(power.section)}` : ', informally'}; that does not end aftercare.`);
        rules.push('ELIG-8a');
      }
      lines.push('Aftercare continues until the local authority and the ICB both decide it is no longer needed.');
      rules.push('ELIG-12', 'END-1');
      return summary(lines.join(' '), rules);
    }

    case 'in-custody': {
      const custody = statuses.filter((s) => s.section === 'custody' && inForceOn(s, today)).at(-1);
      return summary(
        `${name} has been in prison since ${on(custody?.startDate ?? (latest.leftHospitalOn as IsoDate))}. The entitlement to aftercare is kept while they are there, and aftercare should be planned for their release.`,
        ['ELIG-9'],
        'Decide, and record, whether aftercare continues while they are in prison.',
      );
    }

    case 'ended':
      return summary(`The local authority and the ICB both agreed that ${name} no longer needs aftercare, and it ended on ${on(latest.endedOn as IsoDate)}.`, ['END-1', 'END-4']);

    case 'superseded':
      return summary(`A new detention on ${on(latest.endedOn as IsoDate)} ended this aftercare automatically.`, ['END-5', 'ELIG-8b']);

    case 'deceased':
      return summary(`${name} died on ${on(latest.endedOn as IsoDate)}, so aftercare ended that day.`, ['END-7']);
  }
}

/** ELIG-1, ELIG-2: no qualifying detention, or only powers that do not give the right. */
function notEntitled(facts: PersonFacts, today: IsoDate, name: string): StatusSummary {
  const recorded = SECTION_CODES.filter((code) => code !== 'informal' && !isCommunityStatus(code) && code !== 'custody' && facts.legalStatuses.some((s) => s.section === code && s.startDate <= today));
  if (recorded.length === 0) {
    return { status: 'not-entitled', text: `No detention under section 3, 37, 45A, 47 or 48 is recorded for ${name}, so there is no right to section 117 aftercare.`, nextStep: null, rules: ['ELIG-1'] };
  }
  const detainedNow = facts.legalStatuses.filter((s) => isHospitalDetention(s.section) && inForceOn(s, today)).at(-1);
  const names = listInWords(recorded.map(sectionShortName));
  const text = `${name} has been detained only under ${names}, which ${recorded.length === 1 ? 'does' : 'do'} not give a right to section 117 aftercare.`
    + (detainedNow ? ` If they are then detained under section 3 (or another qualifying section), record it: planning starts then.` : '');
  return { status: 'not-entitled', text, nextStep: null, rules: ['ELIG-2', 'ELIG-1'] };
}
