// The read models of a person's Money pages: the Money page (charges and refunds, CHG-2, for those
// who may see money; top-ups, CHG-3; disputes, RESP-6; the services they refer to), the top-up
// agreement page and the dispute page. Each reads the person and every row it shows in the person's
// read-model statement, then appends one audit event listing the parts shown (issue 14 item 3),
// instead of one query for each table and one audit event for each list on the page.
import { can, canSeeMoney } from '../../domain/access.ts';
import type { LawSettings } from '../../domain/aftercare.ts';
import type { IsoDate } from '../../domain/dates.ts';
import { SERVICES_PART } from '../../data/care-services-repository.ts';
import { PERSON_DISPUTES_PART } from '../../data/disputes-repository.ts';
import { loadPersonReadModel, partsTogether, type PersonReadModel } from '../../data/person-read-model.ts';
import { CHARGES_PART } from '../../data/refunds-repository.ts';
import { TOP_UPS_PART } from '../../data/top-ups-repository.ts';
import type { Actor } from '../kernel/actor.ts';
import { NotFoundError } from '../kernel/errors.ts';
import type { UseCases } from '../kernel/use-case.ts';
import { servicesDetails, servicesOf, type ServiceReadSettings } from '../care-services/care-services-parts.ts';
import { moneyContextOf } from '../care-services/money-context.ts';
import { personDisputesOf } from '../disputes/disputes-service.ts';
import { factsOfModel, viewOfModel } from '../people/people-service.ts';
import { chargesOf, refundsOf } from '../refunds/refunds-service.ts';
import { topUpsOf } from '../top-ups/top-ups-service.ts';

export interface MoneyPageOptions { useCases: UseCases; freePrescriptions: boolean }

/** The person's heading (their summary) and the facts that say who may see their money. */
const HEADING_AND_FACTS = { summary: true, facts: true } as const;

/** The Money page's lists. The refunds are the charges part's (the rows listRefunds gives), not read twice. */
const MONEY_PAGE_PART = partsTogether({ charges: CHARGES_PART, topUps: TOP_UPS_PART, disputes: PERSON_DISPUTES_PART, services: SERVICES_PART });
type MoneyPageModel = PersonReadModel & { part: ReturnType<typeof MONEY_PAGE_PART.decode> };

/** The Money page from its read model: charges and refunds only for someone who may read money and see this person's. */
function moneyPageOf(model: MoneyPageModel, actor: Actor, today: IsoDate, law: LawSettings, settings: ServiceReadSettings) {
  const ctx = moneyContextOf(factsOfModel(model, law), today);
  const moneyVisible = can(actor.role, 'money:read') && canSeeMoney(actor, ctx.responsibleBodies);
  const { charges, topUps, disputes, services } = model.part;
  return {
    person: viewOfModel(model),
    charges: moneyVisible ? chargesOf(charges, ctx, today) : null,
    refunds: moneyVisible ? refundsOf(charges.refunds) : null,
    topUps: topUpsOf(topUps, actor, ctx),
    disputes: personDisputesOf(disputes, today),
    services: servicesOf(services, actor, ctx, today, settings),
  };
}

export function createMoneyPageService({ useCases, freePrescriptions }: MoneyPageOptions) {
  const { law } = useCases;
  return {
    /**
     * The Money page. Charges and refunds are part of it only for someone who may read money and see
     * this person's (the other parts show either way, as their own reads always have).
     */
    async moneyPage(actor: Actor, personId: string) {
      const audit = (r: ReturnType<typeof moneyPageOf>) => ({
        action: 'money.view',
        details: {
          parts: ['person', ...(r.charges ? ['charges', 'refunds'] : []), 'top-ups', 'disputes', 'services'],
          ...(r.charges && r.refunds && { charges: r.charges.items.length, refunds: r.refunds.items.length }),
          topUps: r.topUps.items.length,
          disputes: r.disputes.items.length,
          ...servicesDetails(r.services),
        },
      });
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, HEADING_AND_FACTS, undefined, MONEY_PAGE_PART),
        ({ model, today }) => moneyPageOf(model, actor, today, law, { freePrescriptions }),
      );
    },

    /** The top-up agreement page (CHG-3): the person and the agreement, in one read (404 when not theirs). */
    async topUpPage(actor: Actor, personId: string, topUpId: string) {
      const audit = (r: { topUp: { id: string }; count: number }) => ({ action: 'top-up.list', details: { parts: ['person', 'top-up'], topUps: r.count, topUpId: r.topUp.id } });
      const { person, topUp } = await useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, HEADING_AND_FACTS, undefined, TOP_UPS_PART),
        ({ model, today }) => {
          const list = topUpsOf(model.part, actor, moneyContextOf(factsOfModel(model, law), today));
          const topUp = list.items.find((t) => t.id === topUpId);
          if (!topUp) throw new NotFoundError('top-up agreement');
          return { person: viewOfModel(model), topUp, count: list.items.length };
        },
      );
      return { person, topUp };
    },

    /** The dispute page (RESP-6): the person and the dispute, in one read (404 when not theirs). */
    async disputePage(actor: Actor, personId: string, disputeId: string) {
      const audit = (r: { dispute: { id: string }; count: number }) => ({ action: 'dispute.list', details: { parts: ['person', 'dispute'], disputes: r.count, disputeId: r.dispute.id } });
      const { person, dispute } = await useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, { summary: true }, undefined, PERSON_DISPUTES_PART),
        ({ model, today }) => {
          const list = personDisputesOf(model.part, today);
          const dispute = list.items.find((d) => d.id === disputeId);
          if (!dispute) throw new NotFoundError('dispute');
          return { person: viewOfModel(model), dispute, count: list.items.length };
        },
      );
      return { person, dispute };
    },
  };
}

export type MoneyPageService = ReturnType<typeof createMoneyPageService>;
