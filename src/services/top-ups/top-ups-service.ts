// Top-up agreements for preferred accommodation (CHG-3): the only payment a person may make towards
// s117 accommodation. Practitioners record them; the amounts are shown only to those who see money.
import { randomUUID } from 'node:crypto';
import { canSeeMoney } from '../../domain/access.ts';
import type { AccommodationType } from '../../domain/care-services.ts';
import { todayInLondon, type IsoDate } from '../../domain/dates.ts';
import { aged18OrOver, signingViolations, topUpServiceViolations, topUpStatus, topUpViolations, type TopUpAgreement, type TopUpConditions, type TopUpPayer, type TopUpTerms } from '../../domain/top-ups.ts';
import * as servicesRepo from '../../data/care-services-repository.ts';
import type { PersonRow, TopUpAgreementRow } from '../../data/schema.ts';
import * as repo from '../../data/top-ups-repository.ts';
import { moneyContext, moneyContextOf, type MoneyContext } from '../care-services/money-context.ts';
import { loadPersonReadModel } from '../../data/person-read-model.ts';
import { factsOfModel } from '../people/people-service.ts';
import { requirePermission, type Actor } from '../kernel/actor.ts';
import { ConflictError, NotFoundError, ValidationError } from '../kernel/errors.ts';
import { isUuid, uuidOrNull, rejectFutureDates } from '../kernel/person-record.ts';
import { checkVersion, mustHaveUpdated, type PersonContext, type UseCases } from '../kernel/use-case.ts';
import { parseInput, refuse } from '../kernel/validation.ts';
import { TopUpCreateInput, TopUpUpdateInput } from './top-ups-inputs.ts';
import { renderTopUpAgreement } from '../../letters/top-up-agreement.ts';
import { letterFootingOf, type LetterSender } from '../kernel/letter-contact.ts';
import { requireMoneySight } from '../kernel/money.ts';

export interface TopUpsServiceOptions { useCases: UseCases }

function topUpFromRow(row: TopUpAgreementRow): TopUpAgreement {
  return {
    conditions: row.conditions as TopUpConditions,
    terms: row.terms as TopUpTerms,
    payer: row.payer_kind ? { kind: row.payer_kind, relationship: row.payer_relationship } : null,
    signedOn: row.signed_on,
    refusedOn: row.refused_on,
    refusalReasons: row.refusal_reasons,
  };
}

/** `money`: whether the caller may see money; when not, the amounts are left out. */
export function topUpView(row: TopUpAgreementRow, money: boolean) {
  const a = topUpFromRow(row);
  return {
    id: row.id,
    personId: row.person_id,
    serviceId: row.service_id,
    version: row.version,
    preferredAccommodation: row.preferred_accommodation,
    conditions: a.conditions,
    terms: money ? a.terms : { ...a.terms, additionalCostPencePerWeek: null, localAuthorityPaysPencePerWeek: null },
    moneyVisible: money,
    payer: a.payer,
    signedOn: a.signedOn,
    refusedOn: a.refusedOn,
    refusalReasons: a.refusalReasons,
    status: topUpStatus(a),
    /** What still stops the agreement being signed (CHG-3). */
    missingBeforeSigning: a.signedOn || a.refusedOn ? [] : signingViolations(a).map((v) => ({ field: v.field, message: v.message, rule: v.rule })),
  };
}

const EMPTY_CONDITIONS: TopUpConditions = { aged18OrOver: null, accommodationType: null, sameTypeAsDecided: null, suitable: null, available: null, providerAcceptsTerms: null };
const EMPTY_TERMS: TopUpTerms = {
  additionalCostPencePerWeek: null,
  localAuthorityPaysPencePerWeek: null,
  paymentFrequency: null,
  payee: null,
  reviewProvision: null,
  consequencesOfStoppingPayment: null,
  consequencesOfPriceRise: null,
  consequencesOfMeansChange: null,
};

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The person's top-up agreements from the rows already read (a read model's), the amounts only for someone who may see money. */
export function topUpsOf(rows: readonly TopUpAgreementRow[], actor: Actor, ctx: MoneyContext) {
  const money = canSeeMoney(actor, ctx.responsibleBodies);
  return { items: rows.map((r) => topUpView(r, money)), nextCursor: null };
}

/** The agreement when it is the person's; 404 otherwise. */
function ownTopUp(row: TopUpAgreementRow | undefined, person: PersonRow): TopUpAgreementRow {
  if (!row || row.person_id !== person.id) throw new NotFoundError('top-up agreement');
  return row;
}

/** The written agreement's input from the rows already read (its read model): no query. */
function topUpAgreementOf({ topUp, service, contact }: repo.TopUpAgreementRows, person: PersonRow, ctx: MoneyContext, today: IsoDate, sender: LetterSender) {
  const row = ownTopUp(topUp, person);
  const a = topUpFromRow(row);
  const laCode = ctx.aftercare.episodes.at(-1)?.localAuthority.code ?? ctx.currentLocalAuthority;
  const localAuthority = laCode ? (contact.organisations.get(laCode)?.name ?? laCode) : 'The local authority';
  return {
    id: row.id,
    input: {
      person: { givenName: person.given_name, familyName: person.family_name, dateOfBirth: person.date_of_birth, nhsNumber: person.nhs_number },
      localAuthority,
      service: { description: service?.description ?? '', provider: service?.provider ?? '', accommodationType: service?.accommodation_type ?? null },
      preferredAccommodation: row.preferred_accommodation,
      terms: a.terms,
      payer: a.payer,
      status: topUpStatus(a),
      signedOn: a.signedOn,
      refusedOn: a.refusedOn,
      refusalReasons: a.refusalReasons,
      date: a.signedOn ?? today,
      localAuthorityCode: laCode ?? null,
      ...letterFootingOf(contact, person.id, sender, [laCode], 'top-up', { on: todayInLondon(new Date(row.created_at)) }),
    },
  };
}

export function createTopUpsService({ useCases }: TopUpsServiceOptions) {
  const { law } = useCases;
  return {
    async listTopUps(actor: Actor, personId: string) {
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit: (r: { items: unknown[] }) => ({ action: 'top-up.list', details: { topUps: r.items.length } }) },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, { facts: true }, undefined, repo.TOP_UPS_PART),
        ({ model, today }) => topUpsOf(model.part, actor, moneyContextOf(factsOfModel(model, law), today)),
      );
    },

    async createTopUp(actor: Actor, personId: string, input: unknown) {
      requirePermission(actor, 'top-ups:record');
      const data = parseInput(TopUpCreateInput, input);
      return useCases.change(
        actor,
        personId,
        {
          permission: 'top-ups:record',
          reproject: false,
          audit: (r) => ({ action: 'top-up.create', recordType: 'top-up', recordId: r.id, details: { serviceId: r.serviceId, payer: r.agreement.payer?.kind ?? null, additionalCostPencePerWeek: r.agreement.terms.additionalCostPencePerWeek } }),
        },
        async ({ trx, person, today }: PersonContext) => {
          const money = canSeeMoney(actor, (await moneyContext(trx, person, today, law)).responsibleBodies);
          const service = isUuid(data.serviceId) ? await servicesRepo.findService(trx, data.serviceId) : undefined;
          if (!service || service.person_id !== person.id) throw new ValidationError([{ field: 'serviceId', message: 'That service is not one of this person’s services' }]);
          refuse(topUpServiceViolations({ s117: service.s117, accommodationType: service.accommodation_type as AccommodationType | null }));
          const conditions: TopUpConditions = { ...EMPTY_CONDITIONS, ...withoutUndefined(data.conditions) };
          if (person.date_of_birth) conditions.aged18OrOver = aged18OrOver(person.date_of_birth, today);
          const terms: TopUpTerms = { ...EMPTY_TERMS, ...withoutUndefined(data.terms) };
          const agreement: TopUpAgreement = { conditions, terms, payer: (data.payer as TopUpPayer | null | undefined) ?? null, signedOn: null, refusedOn: null, refusalReasons: null };
          refuse(topUpViolations(agreement));
          const id = randomUUID();
          await repo.insertTopUp(trx, {
            id,
            person_id: person.id,
            service_id: service.id,
            preferred_accommodation: data.preferredAccommodation,
            conditions,
            terms,
            payer_kind: agreement.payer?.kind ?? null,
            payer_relationship: agreement.payer?.relationship ?? null,
            created_by: actor.userId,
          });
          return { id, serviceId: service.id, agreement, money };
        },
        async ({ trx }, r) => topUpView((await repo.findTopUp(trx, r.id))!, r.money),
      );
    },

    /** Changes the conditions or terms, signs (CHG-3: all conditions met, every term set) or refuses with written reasons. */
    async updateTopUp(actor: Actor, personId: string, topUpId: string, expectedVersion: number | null, input: unknown) {
      requirePermission(actor, 'top-ups:record');
      const data = parseInput(TopUpUpdateInput, input);
      return useCases.change(
        actor,
        personId,
        {
          permission: 'top-ups:record',
          reproject: false,
          audit: (r) => ({ action: r.next.signedOn ? 'top-up.sign' : r.next.refusedOn ? 'top-up.refuse' : 'top-up.update', recordType: 'top-up', recordId: r.id, details: { fields: Object.keys(data), status: topUpStatus(r.next) } }),
        },
        async ({ trx, person, today }: PersonContext) => {
          const money = canSeeMoney(actor, (await moneyContext(trx, person, today, law)).responsibleBodies);
          const row = ownTopUp(isUuid(topUpId) ? await repo.findTopUp(trx, topUpId) : undefined, person);
          checkVersion('agreement', expectedVersion, row.version);
          const before = topUpFromRow(row);
          if (before.signedOn || before.refusedOn) throw new ConflictError(`The agreement is already ${topUpStatus(before)}; record a new one`);
          const next: TopUpAgreement = {
            conditions: { ...before.conditions, ...withoutUndefined(data.conditions ?? {}) },
            terms: { ...before.terms, ...withoutUndefined(data.terms ?? {}) },
            payer: data.payer !== undefined ? ((data.payer as TopUpPayer | null) ?? null) : before.payer,
            signedOn: data.signedOn !== undefined ? data.signedOn : before.signedOn,
            refusedOn: data.refusedOn !== undefined ? data.refusedOn : before.refusedOn,
            refusalReasons: data.refusalReasons !== undefined ? (data.refusalReasons ?? null) : before.refusalReasons,
          };
          if (person.date_of_birth) next.conditions.aged18OrOver = aged18OrOver(person.date_of_birth, next.signedOn ?? today);
          rejectFutureDates({ signedOn: next.signedOn, refusedOn: next.refusedOn }, today);
          refuse(topUpViolations(next));
          mustHaveUpdated(
            await repo.updateTopUp(trx, row.id, row.version, {
              ...(data.preferredAccommodation !== undefined && { preferred_accommodation: data.preferredAccommodation }),
              conditions: next.conditions,
              terms: next.terms,
              payer_kind: next.payer?.kind ?? null,
              payer_relationship: next.payer?.relationship ?? null,
              signed_on: next.signedOn,
              refused_on: next.refusedOn,
              refusal_reasons: next.refusalReasons,
              updated_by: actor.userId,
            }),
            'agreement',
          );
          return { id: row.id, next, money };
        },
        async ({ trx }, r) => topUpView((await repo.findTopUp(trx, r.id))!, r.money),
      );
    },

    /**
     * CHG-3: the written agreement (a tagged PDF) for the payer, the person and the local authority to
     * sign, with every term; for those who may see the person's money (403 otherwise), audited as a read.
     */
    async topUpAgreement(actor: Actor, personId: string, topUpId: string, options: { largePrint?: boolean } = {}): Promise<Buffer> {
      const agreement = await useCases.readModel(
        actor,
        personId,
        { permission: 'money:read', audit: (r: { id: string; input: { status: string } }) => ({ action: 'top-up.agreement', recordType: 'top-up', recordId: r.id, details: { status: r.input.status, largePrint: Boolean(options.largePrint) } }) },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, { facts: true }, undefined, repo.topUpAgreementRowsPart(uuidOrNull(topUpId), actor.organisationCode ?? null)),
        ({ model, person, today }) => {
          const ctx = moneyContextOf(factsOfModel(model, law), today);
          requireMoneySight(actor, ctx.responsibleBodies);
          return topUpAgreementOf(model.part, person, ctx, today, actor);
        },
      );
      return renderTopUpAgreement(agreement.input, options);
    },
  };
}

export type TopUpsService = ReturnType<typeof createTopUpsService>;
