// Change notifications (migration 0030): subscriptions, what each person's record last told
// subscribers, the outbox of events and their deliveries. Claiming due deliveries is safe with
// several processes: FOR UPDATE SKIP LOCKED, then a lease (next_attempt_at moved on) in the same
// short transaction.
import { sql } from 'kysely';
import type { Db } from './database.ts';

export interface SubscriptionRow { id: string; organisation_id: string; scope_organisation_code: string | null; url: string; events: string[]; secret: string; created_at: Date; deleted_at: Date | null }

export async function insertSubscription(db: Db, row: { id: string; organisationId: string; scopeOrganisationCode: string | null; url: string; events: string[]; secret: string; createdBy: string }): Promise<void> {
  await db.insertInto('subscriptions').values({ id: row.id, organisation_id: row.organisationId, scope_organisation_code: row.scopeOrganisationCode, url: row.url, events: row.events, secret: row.secret, created_by: row.createdBy }).execute();
}

/** A live subscription of this organisation (null: any organisation's, for an admin). */
export function findSubscription(db: Db, id: string, organisationId: string | null): Promise<SubscriptionRow | undefined> {
  let q = db.selectFrom('subscriptions').select(['id', 'organisation_id', 'scope_organisation_code', 'url', 'events', 'secret', 'created_at', 'deleted_at']).where('id', '=', id).where('deleted_at', 'is', null);
  if (organisationId) q = q.where('organisation_id', '=', organisationId);
  return q.executeTakeFirst();
}

export function listSubscriptions(db: Db, organisationId: string | null): Promise<SubscriptionRow[]> {
  let q = db.selectFrom('subscriptions').select(['id', 'organisation_id', 'scope_organisation_code', 'url', 'events', 'secret', 'created_at', 'deleted_at']).where('deleted_at', 'is', null);
  if (organisationId) q = q.where('organisation_id', '=', organisationId);
  return q.orderBy('created_at').orderBy('id').execute();
}

export async function deleteSubscription(db: Db, id: string, now: Date): Promise<void> {
  await db.updateTable('subscriptions').set({ deleted_at: now }).where('id', '=', id).execute();
}

export interface DeliveryRow {
  id: string; event_id: string; event: string; status: 'pending' | 'delivered'; attempts: number; next_attempt_at: Date; last_attempt_at: Date | null;
  last_status_code: number | null; last_error: string | null; delivered_at: Date | null; created_at: Date;
}

export function listDeliveries(db: Db, subscriptionId: string, afterCreated: { at: Date; id: string } | null, limit: number): Promise<DeliveryRow[]> {
  let q = db
    .selectFrom('deliveries')
    .innerJoin('outbox_events', 'outbox_events.id', 'deliveries.event_id')
    .select(['deliveries.id', 'deliveries.event_id', 'outbox_events.event', 'deliveries.status', 'deliveries.attempts', 'deliveries.next_attempt_at', 'deliveries.last_attempt_at', 'deliveries.last_status_code', 'deliveries.last_error', 'deliveries.delivered_at', 'deliveries.created_at'])
    .where('deliveries.subscription_id', '=', subscriptionId);
  if (afterCreated) q = q.where(sql<boolean>`(deliveries.created_at, deliveries.id) < (${afterCreated.at}, ${afterCreated.id})`);
  return q.orderBy('deliveries.created_at', 'desc').orderBy('deliveries.id', 'desc').limit(limit).execute() as Promise<DeliveryRow[]>;
}

export function findDeliveryCreated(db: Db, id: string): Promise<{ created_at: Date; id: string } | undefined> {
  return db.selectFrom('deliveries').select(['created_at', 'id']).where('id', '=', id).executeTakeFirst();
}

export async function insertEventWithDeliveries(db: Db, event: { id: string; event: string; personId: string; episodeId: string | null; serviceId: string | null; occurredAt: Date }, deliveries: { id: string; subscriptionId: string }[]): Promise<void> {
  await db.insertInto('outbox_events').values({ id: event.id, event: event.event, person_id: event.personId, episode_id: event.episodeId, service_id: event.serviceId, occurred_at: event.occurredAt }).execute();
  await db
    .insertInto('deliveries')
    .values(deliveries.map((d) => ({ id: d.id, subscription_id: d.subscriptionId, event_id: event.id, status: 'pending' as const, next_attempt_at: event.occurredAt })))
    .execute();
}

// --- The delivery worker -------------------------------------------------------------------

export interface DueDelivery { id: string; attempts: number; url: string; secret: string; event_id: string; event: string; person_id: string; episode_id: string | null; service_id: string | null; occurred_at: Date; nhs_number: string | null }

/** Claims up to `limit` due deliveries for `leaseSeconds`: another process skips them meanwhile. */
export async function claimDueDeliveries(db: Db, now: Date, limit: number, leaseSeconds: number): Promise<DueDelivery[]> {
  return db.transaction().execute(async (trx) => {
    const due = await sql<{ id: string }>`
      SELECT d.id FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
      WHERE d.status = 'pending' AND d.next_attempt_at <= ${now} AND s.deleted_at IS NULL
      ORDER BY d.next_attempt_at, d.id LIMIT ${limit} FOR UPDATE OF d SKIP LOCKED`.execute(trx);
    const ids = due.rows.map((r) => r.id);
    if (ids.length === 0) return [];
    await trx.updateTable('deliveries').set({ next_attempt_at: new Date(now.getTime() + leaseSeconds * 1000) }).where('id', 'in', ids).execute();
    return trx
      .selectFrom('deliveries')
      .innerJoin('subscriptions', 'subscriptions.id', 'deliveries.subscription_id')
      .innerJoin('outbox_events', 'outbox_events.id', 'deliveries.event_id')
      .innerJoin('people', 'people.id', 'outbox_events.person_id')
      .select(['deliveries.id', 'deliveries.attempts', 'subscriptions.url', 'subscriptions.secret', 'outbox_events.id as event_id', 'outbox_events.event', 'outbox_events.person_id', 'outbox_events.episode_id', 'outbox_events.service_id', 'outbox_events.occurred_at', 'people.nhs_number'])
      .where('deliveries.id', 'in', ids)
      .orderBy('deliveries.next_attempt_at')
      .execute();
  });
}

export async function recordDeliveryAttempt(db: Db, id: string, result: { delivered: boolean; at: Date; statusCode: number | null; error: string | null; nextAttemptAt: Date | null }): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({
      attempts: sql`attempts + 1`,
      last_attempt_at: result.at,
      last_status_code: result.statusCode,
      last_error: result.error,
      ...(result.delivered ? { status: 'delivered' as const, delivered_at: result.at } : { next_attempt_at: result.nextAttemptAt! }),
    })
    .where('id', '=', id)
    .execute();
}
