// The person's own pages (/your-aftercare, issue 11): their aftercare, plan, keyworker, letters and
// sharing, and what they may ask for. Everything is read from and written to the same records staff
// use, through the person's own use cases (person-actor.ts): a review request (REV-1) that moves the
// due date and the keyworker sees, a complaint by the first CMP-1 route, a request for an advocate
// (ADV-1, ADV-4), and whom they share their plan with (PLAN-5, PLAN-6). Only what the plan shares
// with the person is shown: never staff notes, reasons for the two-limb test, costs or anyone else.
import { randomUUID } from 'node:crypto';
import type { AftercareResult, Episode, LawSettings } from '../../domain/aftercare.ts';
import type { EndingSettings } from '../../domain/ending.ts';
import { todayInLondon, type IsoDate } from '../../domain/dates.ts';
import type { PlanContent } from '../../domain/plans.ts';
import { validateReviewDate, type ReviewSettings } from '../../domain/reviews.ts';
import * as advocacy from '../../data/advocacy-repository.ts';
import * as complaints from '../../data/complaints-repository.ts';
import type { Db } from '../../data/database.ts';
import * as ending from '../../data/ending-repository.ts';
import * as sharing from '../../data/plan-sharing-repository.ts';
import { loadPersonReadModel } from '../../data/person-read-model.ts';
import * as plans from '../../data/plans-repository.ts';
import * as reviewsRepo from '../../data/reviews-repository.ts';
import type { PersonRow } from '../../data/schema.ts';
import { renderLetter } from '../../letters/document.ts';
import { renderEndingLetter } from '../../letters/ending-letter.ts';
import { renderInvitationLetter, renderOutcomeLetter } from '../../letters/review-letters.ts';
import { renderRefundLetter } from '../../letters/refund-letter.ts';
import * as refunds from '../../data/refunds-repository.ts';
import { moneyContext } from '../care-services/money-context.ts';
import { refundLetterPart } from '../refunds/refunds-service.ts';
import { imhaEligibilityPart } from '../advocacy/advocacy-service.ts';
import { endingLetterPart } from '../ending/ending-proposals.ts';
import { NotFoundError, ValidationError } from '../kernel/errors.ts';
import { deriveAftercare, isUuid } from '../kernel/person-record.ts';
import { parseInput, refuse } from '../kernel/validation.ts';
import { keyworkerPart } from '../keyworkers/keyworkers-service.ts';
import { planLetterPart } from '../plans/plans-service.ts';
import { reviewLetterPart, reviewsPart } from '../reviews/reviews-service.ts';
import { createSelfUseCases, type PersonActor } from './person-actor.ts';
import type { Actor } from '../kernel/actor.ts';
import type { UseCases } from '../kernel/use-case.ts';
import { AdvocateAskInput, ComplaintAskInput, ReviewAskInput, ShareInput, WithdrawInput } from './your-aftercare-inputs.ts';

export type { PersonActor };

export interface YourAftercareOptions {
  /** The staff kernel: staff read what the person has said about sharing their plan. */
  useCases: UseCases;
  clock: () => Date;
  reviews: ReviewSettings;
  law: LawSettings;
  mha2025Imha: boolean;
  ending: EndingSettings;
}

/** Where the person stands, in the words the pages use. */
export type Standing = 'has-aftercare' | 'will-have-aftercare' | 'ended' | 'none';

const LETTER_KINDS = ['plan', 'invitation', 'outcome', 'ending', 'refund'] as const;
export type PersonLetterKind = (typeof LETTER_KINDS)[number];

function standingOf(aftercare: AftercareResult): { standing: Standing; episode: Episode | null } {
  const episode = aftercare.episodes.at(-1) ?? null;
  if (!episode) return { standing: 'none', episode };
  switch (episode.status) {
    case 'active':
    case 'in-custody':
      return { standing: 'has-aftercare', episode };
    case 'planning':
    case 'entitled-pending-discharge':
      return { standing: 'will-have-aftercare', episode };
    case 'ended':
    case 'superseded':
    case 'deceased':
      return { standing: 'ended', episode };
  }
}

/** The plan as the person's copy shows it: what each need is, how it is met and by whom; no staff reasoning. */
function planForPerson(content: PlanContent, number: number, finalisedOn: IsoDate) {
  return {
    number,
    finalisedOn,
    needs: content.needs.map((n) => ({ what: n.description, howMet: n.howMet, who: n.who, free: n.s117 })),
    goals: content.goals,
    home: content.accommodation.details,
    crisis: {
      signs: [content.contingency.triggers, content.contingency.earlyWarningSigns].filter(Boolean).join('\n') || null,
      whatToDo: content.contingency.actions,
      whatHelps: content.contingency.whatHelps,
      whoToCall: content.contingency.crisisContacts,
      ifInHospital: content.contingency.onAdmission,
    },
    keyworker: content.keyworker,
    nextReviewOn: content.nextReviewOn,
  };
}

/** Whom the plan is shared with, from its rows (sharingOf's, or the read model's): the latest final version's list with what the person has said since. */
function sharingFrom({ version, said }: sharing.SharingRows) {
  const byName = new Map<string, { name: string; relationship: string | null; since: IsoDate | null }>();
  for (const s of version?.content.sharing ?? []) if (s.consentedOn) byName.set(s.name.toLowerCase(), { name: s.name, relationship: s.relationship, since: s.consentedOn });
  for (const s of said) {
    if (s.withdrawn_on) byName.delete(s.name.toLowerCase());
    else byName.set(s.name.toLowerCase(), { name: s.name, relationship: s.relationship, since: s.consented_on });
  }
  return [...byName.values()];
}

export function createYourAftercareService(db: Db, options: YourAftercareOptions) {
  const self = createSelfUseCases(db, options);
  const { law } = options;

  async function bodies(trx: Db, episode: Episode | null) {
    const codes = [episode?.localAuthority.code, episode?.icb.code].filter((c): c is string => Boolean(c));
    const names = await plans.organisationNames(trx, codes);
    const name = (code: string | null | undefined) => (code ? (names[code] ?? code) : null);
    return { council: name(episode?.localAuthority.code), icb: name(episode?.icb.code), agreed: Boolean(episode?.localAuthority.confirmed && episode.icb.confirmed) };
  }

  async function keyworkerOf(trx: Db, person: PersonRow) {
    const k = (await keyworkerPart(trx, person)).current;
    return k ? { name: k.name, jobTitle: k.jobTitle, team: k.team, phone: k.phone, email: k.email, organisation: k.organisation.name } : null;
  }

  /** The plan's sharing (as agreed in the latest final version) with what the person has said since. */
  async function sharingOf(trx: Db, person: PersonRow) {
    return sharingFrom({ version: await plans.latestPlanVersion(trx, person.id), said: await sharing.listSharingConsents(trx, person.id) });
  }

  async function lettersOf(trx: Db, person: PersonRow, today: IsoDate) {
    const out: { kind: PersonLetterKind; id: string; date: IsoDate; title: string }[] = [];
    const version = await plans.latestPlanVersion(trx, person.id);
    if (version) out.push({ kind: 'plan', id: String(version.number), date: todayInLondon(version.finalised_at), title: 'Your care and support plan' });
    const record = await reviewsPart(trx, person, today, law);
    for (const i of record.invitations) out.push({ kind: 'invitation', id: i.id, date: i.plannedOn, title: 'Your invitation to a review' });
    for (const r of record.history) if (r.outcome !== null) out.push({ kind: 'outcome', id: r.id, date: r.heldOn, title: 'What we agreed at your review' });
    for (const p of await ending.listEndingProposals(trx, person.id)) {
      if (p.status === 'approved') out.push({ kind: 'ending', id: p.id, date: p.notice_sent_on ?? p.ended_on ?? today, title: 'The letter about the end of your aftercare' });
    }
    // CHG-2: a refund once it is agreed (a calculation not yet approved is the staff's work in progress).
    for (const r of await refunds.listRefunds(trx, person.id)) {
      if (r.status !== 'calculated') out.push({ kind: 'refund', id: r.id, date: r.letter_sent_on ?? r.calculated_on, title: 'The letter about money we owe you back' });
    }
    return out.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
  }

  async function overviewPart(trx: Db, person: PersonRow, today: IsoDate) {
    const aftercare = await deriveAftercare(trx, person, today, law);
    const { standing, episode } = standingOf(aftercare);
    const record = await reviewsPart(trx, person, today, law);
    const version = await plans.latestPlanVersion(trx, person.id);
    return {
      givenName: person.given_name,
      standing,
      since: episode?.leftHospitalOn ?? null,
      endedOn: standing === 'ended' ? (episode?.endedOn ?? null) : null,
      bodies: await bodies(trx, episode),
      keyworker: await keyworkerOf(trx, person),
      nextReviewOn: standing === 'has-aftercare' ? record.nextDueOn : null,
      reviewAsked: record.requests.some((r) => r.open && r.recordedByPerson),
      canAskForReview: validateReviewDate(episode ?? undefined, 'requestedOn', today).length === 0,
      plan: version ? { number: version.number, finalisedOn: todayInLondon(version.finalised_at) } : null,
    };
  }

  return {
    /** The first page: where they stand, who is responsible, their keyworker and next review. */
    overview: (actor: PersonActor) => self.read(actor, { action: 'your-aftercare.view', details: { parts: ['overview'] } }, ({ trx, person, today }) => overviewPart(trx, person, today)),

    /** Their current plan: the latest final version (a draft is the team's work in progress). */
    plan: (actor: PersonActor) =>
      self.read(actor, (r: { plan: { number: number } | null }) => ({ action: 'your-aftercare.plan.view', recordType: 'plan', details: { number: r.plan?.number ?? null } }), async ({ trx, person, today }) => {
        const version = await plans.latestPlanVersion(trx, person.id);
        return {
          overview: await overviewPart(trx, person, today),
          plan: version ? planForPerson(version.content, version.number, todayInLondon(version.finalised_at)) : null,
        };
      }),

    /** Their letters to read and download. */
    letters: (actor: PersonActor) =>
      self.read(actor, (r: { letters: unknown[] }) => ({ action: 'your-aftercare.letters.view', details: { count: r.letters.length } }), async ({ trx, person, today }) => ({
        overview: await overviewPart(trx, person, today),
        letters: await lettersOf(trx, person, today),
      })),

    /** One letter as a PDF (large print when asked); 404 for a letter that is not theirs. */
    async letter(actor: PersonActor, kind: string, id: string, largePrint: boolean): Promise<Buffer> {
      if (!(LETTER_KINDS as readonly string[]).includes(kind)) throw new NotFoundError('letter');
      const audit = { action: 'your-aftercare.letter', recordType: kind === 'plan' ? 'plan' : kind, recordId: id, details: { kind, largePrint } };
      const made = await self.read(actor, audit, async ({ trx, person, today }) => {
        switch (kind as PersonLetterKind) {
          case 'plan': {
            const latest = await plans.latestPlanVersion(trx, person.id);
            if (!latest || String(latest.number) !== id) throw new NotFoundError('letter');
            return { kind: 'plan' as const, content: await planLetterPart(trx, person, today, law) };
          }
          case 'invitation':
          case 'outcome':
            if (!isUuid(id)) throw new NotFoundError('letter');
            return { kind: kind as 'invitation' | 'outcome', data: await reviewLetterPart(trx, person, today, law, kind as 'invitation' | 'outcome', id) };
          case 'refund': {
            const refund = isUuid(id) ? await refunds.findRefund(trx, id) : undefined;
            if (!refund || refund.person_id !== person.id || refund.status === 'calculated') throw new NotFoundError('letter');
            return { kind: 'refund' as const, input: (await refundLetterPart(trx, person, await moneyContext(trx, person, today, law), today, id)).input };
          }
          case 'ending': {
            const proposal = isUuid(id) ? await ending.findEndingProposal(trx, id) : undefined;
            if (!proposal || proposal.person_id !== person.id || proposal.status !== 'approved') throw new NotFoundError('letter');
            return { kind: 'ending' as const, input: (await endingLetterPart(trx, person, today, law, proposal.episode_id, proposal.id, options.ending)).input };
          }
        }
      });
      if (made.kind === 'plan') return renderLetter(made.content.letter, { largePrint });
      if (made.kind === 'ending') return renderEndingLetter(made.input, { largePrint });
      if (made.kind === 'refund') return renderRefundLetter(made.input, { largePrint });
      if (made.kind === 'invitation') return renderInvitationLetter({ ...made.data, invitation: made.data.invitation! }, { largePrint });
      return renderOutcomeLetter({ ...made.data, review: made.data.review! }, { largePrint });
    },

    /** REV-1: the person asks for a review. The keyworker sees it; the review falls due sooner. */
    async askForReview(actor: PersonActor, input: unknown) {
      const data = parseInput(ReviewAskInput, input);
      return self.change(
        actor,
        (r: { id: string; episodeId: string }) => ({ action: 'review-request.create', recordType: 'review-request', recordId: r.id, details: { episodeId: r.episodeId, requestedBy: 'person' } }),
        async ({ trx, person, today }) => {
          const episode = (await deriveAftercare(trx, person, today, law)).episodes.at(-1);
          const problems = validateReviewDate(episode, 'requestedOn', today);
          if (problems.length > 0) throw new ValidationError([{ field: 'reason', message: 'You cannot ask for a review now because your aftercare is not running. Ask your keyworker or council instead.' }]);
          const id = randomUUID();
          await reviewsRepo.insertReviewRequest(trx, { id, personId: person.id, episodeId: episode!.id, requestedBy: 'person', requestedOn: today, reason: data.reason, recordedBy: null, recordedByPerson: person.id });
          return { id, episodeId: episode!.id };
        },
      );
    },

    /** CMP-1: "tell us something is wrong" is the first route (to the keyworker), recorded as a complaint. */
    async tellUsSomethingIsWrong(actor: PersonActor, input: unknown) {
      const data = parseInput(ComplaintAskInput, input);
      const against = data.about === 'council' ? 'local-authority' : data.about;
      return self.record(
        actor,
        (r: { id: string }) => ({ action: 'complaint.create', recordType: 'complaint', recordId: r.id, details: { against, route: 'keyworker' } }),
        async ({ trx, person, today }) => {
          const id = randomUUID();
          await complaints.insertComplaint(trx, {
            id, person_id: person.id, against, route: 'keyworker', received_on: today, aware_on: today, subject: data.subject,
            linked_decision_ids: [], faults: [], outcome: null, outcome_on: null, learning: null, recorded_by: null, recorded_by_person: person.id,
          });
          return { id };
        },
      );
    },

    /** ADV-1, ADV-4: which advocate the person can have, and what they have asked for. */
    advocacy: (actor: PersonActor) =>
      self.read(actor, { action: 'your-aftercare.advocacy.view' }, async ({ trx, person, today }) => {
        const imha = await imhaEligibilityPart(trx, person, today, options.mha2025Imha);
        const asked = (await advocacy.listReferrals(trx, person.id)).filter((r) => r.created_by_person === person.id && !r.outcome);
        return { overview: await overviewPart(trx, person, today), imhaEligible: imha.eligible, asked: asked.map((r) => ({ kind: r.kind, on: r.referred_on })) };
      }),

    async askForAdvocate(actor: PersonActor, input: unknown) {
      const data = parseInput(AdvocateAskInput, input);
      return self.record(
        actor,
        (r: { id: string }) => ({ action: 'advocacy-referral.create', recordType: 'advocacy-referral', recordId: r.id, details: { kind: data.kind, requestedByPerson: true } }),
        async ({ trx, person, today }) => {
          // ADV-1: an IMHA only for a qualifying patient; ADV-4: Care Act advocacy is offered to anyone.
          if (data.kind === 'imha' && !(await imhaEligibilityPart(trx, person, today, options.mha2025Imha)).eligible) {
            refuse([{ field: 'kind', message: 'You cannot have this kind of advocate now. You can ask for the other kind.', rule: 'ADV-1' }]);
          }
          const id = randomUUID();
          await advocacy.insertReferral(trx, {
            id, personId: person.id, kind: data.kind, referredOn: today, provider: null, outcome: null, involvement: null, consentToRecords: null, careActTest: null, createdBy: null, createdByPerson: person.id,
          });
          return { id };
        },
      );
    },

    /** PLAN-5, PLAN-6, for staff: whom the person shares their plan with now (the plan's list with what they have said since). */
    planSharing: (actor: Actor, personId: string) =>
      options.useCases.readModelAtOnce(
        actor,
        personId,
        { permission: 'plan:read', audit: { action: 'plan-sharing.view', recordType: 'plan' } },
        (db, viewer, event) => loadPersonReadModel(db, personId, viewer, {}, event, sharing.SHARING_PART),
        ({ model }) => ({ items: sharingFrom(model.part) }),
      ),

    /** PLAN-5, PLAN-6: whom they share their plan with. */
    sharing: (actor: PersonActor) =>
      self.read(actor, { action: 'your-aftercare.sharing.view' }, async ({ trx, person, today }) => ({ overview: await overviewPart(trx, person, today), people: await sharingOf(trx, person) })),

    async share(actor: PersonActor, input: unknown) {
      const data = parseInput(ShareInput, input);
      return self.record(actor, (r: { id: string }) => ({ action: 'plan-sharing.consent', recordType: 'plan-sharing-consent', recordId: r.id, details: { consented: true } }), async ({ trx, person, today }) => {
        const existing = await sharing.findSharingConsentByName(trx, person.id, data.name);
        const id = existing?.id ?? randomUUID();
        await sharing.saveSharingConsent(trx, { id, personId: person.id, name: data.name, relationship: data.relationship, consentedOn: today, withdrawnOn: null, recordedByPerson: person.id, recordedBy: null });
        return { id };
      });
    },

    async withdraw(actor: PersonActor, input: unknown) {
      const data = parseInput(WithdrawInput, input);
      return self.record(actor, (r: { id: string }) => ({ action: 'plan-sharing.withdraw', recordType: 'plan-sharing-consent', recordId: r.id, details: { consented: false } }), async ({ trx, person, today }) => {
        // Only someone they share with now can be withdrawn (from the plan, or added here).
        const current = await sharingOf(trx, person);
        const found = current.find((s) => s.name.toLowerCase() === data.name.toLowerCase());
        if (!found) throw new ValidationError([{ field: 'name', message: 'You do not share your plan with this person' }]);
        const existing = await sharing.findSharingConsentByName(trx, person.id, found.name);
        const id = existing?.id ?? randomUUID();
        await sharing.saveSharingConsent(trx, { id, personId: person.id, name: found.name, relationship: found.relationship, consentedOn: found.since, withdrawnOn: today, recordedByPerson: person.id, recordedBy: null });
        return { id };
      });
    },
  };
}

export type YourAftercareService = ReturnType<typeof createYourAftercareService>;
