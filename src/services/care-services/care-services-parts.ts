// The reads of a person's services that the API's answers and the pages' read models share. Each
// runs in the caller's transaction and writes no audit event: the caller audits what it showed.
import { canSeeMoney } from '../../domain/access.ts';
import type { IsoDate } from '../../domain/dates.ts';
import type { Db } from '../../data/database.ts';
import * as repo from '../../data/care-services-repository.ts';
import { listCurrentPlanNeeds } from '../../data/plans-repository.ts';
import type { FundingPolicyRow, PersonRow, ServiceRow } from '../../data/schema.ts';
import { findPolicy } from '../funding-policies/policy-in-effect.ts';
import type { Actor } from '../kernel/actor.ts';
import { NotFoundError } from '../kernel/errors.ts';
import { keyText, pageInMemory, type Page } from '../kernel/paging.ts';
import { isUuid } from '../kernel/person-record.ts';
import { checkVersion } from '../kernel/use-case.ts';
import { serviceView, type ServiceView } from './care-services-view.ts';
import type { MoneyContext } from './money-context.ts';

/** SCOPE-7's wording of prescriptions depends on a setting, so each read is told it. */
export interface ServiceReadSettings { freePrescriptions: boolean }

/** A stored service as the caller may see it (amounts only for someone who may see money). */
export async function showService(trx: Db, actor: Actor, ctx: MoneyContext, row: ServiceRow, today: IsoDate, settings: ServiceReadSettings): Promise<ServiceView> {
  return serviceOf(row, await findPolicy(trx, row.policy_id), actor, ctx, today, settings);
}

/** showService from the rows already read (the service read's model): no query. */
export function serviceOf(row: ServiceRow, policy: FundingPolicyRow | null, actor: Actor, ctx: MoneyContext, today: IsoDate, { freePrescriptions }: ServiceReadSettings): ServiceView {
  return serviceView(row, policy, canSeeMoney(actor, ctx.responsibleBodies), freePrescriptions, today);
}

/** One of the person's services (404 when it is not theirs); a stale expected version is 409. */
export async function findOwnService(trx: Db, person: PersonRow, serviceId: string, expectedVersion: number | null): Promise<ServiceRow> {
  const row = ownService(isUuid(serviceId) ? await repo.findService(trx, serviceId) : undefined, person);
  checkVersion('service', expectedVersion, row.version);
  return row;
}

/** The service when it is the person's; 404 otherwise. */
export function ownService(row: ServiceRow | undefined, person: PersonRow): ServiceRow {
  if (!row || row.person_id !== person.id) throw new NotFoundError('service');
  return row;
}

/** The person's services from the rows already read (the services read's model); without paging (the pages) every one. No query. */
export function servicesOf({ services, policies }: repo.ServicesRows, actor: Actor, ctx: MoneyContext, today: IsoDate, { freePrescriptions }: ServiceReadSettings, paging?: Page | null) {
  // Lists convention: a keyset on (start date, recorded, id), as the repository orders them.
  const { page: rows, nextCursor } = paging ? pageInMemory(services, paging, ['asc', 'asc', 'asc'], (r) => [keyText(r.start_date), keyText(r.created_at), r.id]) : { page: services, nextCursor: null };
  const moneyVisible = canSeeMoney(actor, ctx.responsibleBodies);
  const items = rows.map((row) => serviceView(row, (row.policy_id && policies.get(row.policy_id)) || null, moneyVisible, freePrescriptions, today));
  return { items, nextCursor, moneyVisible };
}

/** What the audit event of a read of the person's services says (as the service list always has). */
export function servicesDetails(part: { items: unknown[]; moneyVisible: boolean }) {
  return { services: part.items.length, money: part.moneyVisible };
}

/** The needs of the person's current plan a service may link to (for the service form's select). */
export function planNeedsPart(trx: Db, person: PersonRow) {
  return listCurrentPlanNeeds(trx, person.id);
}
