// The read models of a person's Money pages: the Money page (charges and refunds, CHG-2, for those
// who may see money; top-ups, CHG-3; disputes, RESP-6; the services they refer to), the top-up
// agreement page and the dispute page. Each is read in one use case with one audit event that
// lists the parts shown, instead of one read and one audit event for each list on the page.
import { can, canSeeMoney } from '../../domain/access.ts';
import type { Actor } from '../kernel/actor.ts';
import { NotFoundError } from '../kernel/errors.ts';
import type { PersonContext, UseCases } from '../kernel/use-case.ts';
import { servicesDetails, servicesPart } from '../care-services/care-services-parts.ts';
import { moneyContext } from '../care-services/money-context.ts';
import { personDisputesPart } from '../disputes/disputes-service.ts';
import { personViewPart } from '../people/people-service.ts';
import { chargesPart, refundsPart } from '../refunds/refunds-service.ts';
import { topUpsPart } from '../top-ups/top-ups-service.ts';

export interface MoneyPageOptions { useCases: UseCases; freePrescriptions: boolean }

export function createMoneyPageService({ useCases, freePrescriptions }: MoneyPageOptions) {
  const { law } = useCases;
  return {
    /**
     * The Money page. Charges and refunds are part of it only for someone who may read money and see
     * this person's (the other parts show either way, as their own reads always have).
     */
    async moneyPage(actor: Actor, personId: string) {
      const work = async ({ trx, person, today }: PersonContext) => {
        const ctx = await moneyContext(trx, person, today, law);
        const moneyVisible = can(actor.role, 'money:read') && canSeeMoney(actor, ctx.responsibleBodies);
        return {
          person: await personViewPart(trx, person),
          charges: moneyVisible ? await chargesPart(trx, person, ctx, today) : null,
          refunds: moneyVisible ? await refundsPart(trx, person) : null,
          topUps: await topUpsPart(trx, actor, person, ctx),
          disputes: await personDisputesPart(trx, person, today),
          services: await servicesPart(trx, actor, ctx, person, today, { freePrescriptions }),
        };
      };
      const audit = (r: Awaited<ReturnType<typeof work>>) => ({
        action: 'money.view',
        details: {
          parts: ['person', ...(r.charges ? ['charges', 'refunds'] : []), 'top-ups', 'disputes', 'services'],
          ...(r.charges && r.refunds && { charges: r.charges.items.length, refunds: r.refunds.items.length }),
          topUps: r.topUps.items.length,
          disputes: r.disputes.items.length,
          ...servicesDetails(r.services),
        },
      });
      return useCases.read(actor, personId, { permission: 'person:read', audit }, work);
    },

    /** The top-up agreement page (CHG-3): the person and the agreement, in one read (404 when not theirs). */
    async topUpPage(actor: Actor, personId: string, topUpId: string) {
      const work = async ({ trx, person, today }: PersonContext) => {
        const list = await topUpsPart(trx, actor, person, await moneyContext(trx, person, today, law));
        const topUp = list.items.find((t) => t.id === topUpId);
        if (!topUp) throw new NotFoundError('top-up agreement');
        return { person: await personViewPart(trx, person), topUp, count: list.items.length };
      };
      const audit = (r: Awaited<ReturnType<typeof work>>) => ({ action: 'top-up.list', details: { parts: ['person', 'top-up'], topUps: r.count, topUpId: r.topUp.id } });
      const { person, topUp } = await useCases.read(actor, personId, { permission: 'person:read', audit }, work);
      return { person, topUp };
    },

    /** The dispute page (RESP-6): the person and the dispute, in one read (404 when not theirs). */
    async disputePage(actor: Actor, personId: string, disputeId: string) {
      const work = async ({ trx, person, today }: PersonContext) => {
        const list = await personDisputesPart(trx, person, today);
        const dispute = list.items.find((d) => d.id === disputeId);
        if (!dispute) throw new NotFoundError('dispute');
        return { person: await personViewPart(trx, person), dispute, count: list.items.length };
      };
      const audit = (r: Awaited<ReturnType<typeof work>>) => ({ action: 'dispute.list', details: { parts: ['person', 'dispute'], disputes: r.count, disputeId: r.dispute.id } });
      const { person, dispute } = await useCases.read(actor, personId, { permission: 'person:read', audit }, work);
      return { person, dispute };
    },
  };
}

export type MoneyPageService = ReturnType<typeof createMoneyPageService>;
