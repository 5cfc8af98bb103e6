// The outbox is written where the projections are derived, once for every change to a person
// (kernel/person-record.ts runs the contributors in the change's own transaction): what subscribers
// were last told is compared with what the rules derive now, and each difference becomes an event
// with a delivery to every subscription that may hear about the person. A commit writes both the
// change and its notifications; a rollback neither.
import { randomUUID } from 'node:crypto';
import { changeEvents, notificationState, type NotificationState } from '../../domain/notifications.ts';
import { listServices } from '../../data/care-services-repository.ts';
import * as subscriptions from '../../data/subscriptions-repository.ts';
import type { ProjectionContributor } from '../kernel/projection-contributor.ts';

const NOTHING: NotificationState = { episodes: {}, services: {} };

export const notificationsContributor: ProjectionContributor = async (db, person, aftercare) => {
  const services = await listServices(db, person.id);
  const now = notificationState(aftercare, services);
  const stored = await subscriptions.findNotificationState(db, person.id);
  // A person recorded before change notifications existed (state null): record what holds, announce nothing of the past.
  const before = stored === undefined ? NOTHING : (stored.state as NotificationState | null);
  if (before !== null) {
    const occurredAt = new Date();
    for (const change of changeEvents(before, now)) {
      const targets = await subscriptions.subscriptionsFor(db, person.id, change.event);
      if (targets.length === 0) continue;
      await subscriptions.insertEventWithDeliveries(
        db,
        { id: randomUUID(), event: change.event, personId: person.id, episodeId: change.episodeId, serviceId: change.serviceId, occurredAt },
        targets.map((subscriptionId) => ({ id: randomUUID(), subscriptionId })),
      );
    }
  }
  if (JSON.stringify(before) !== JSON.stringify(now)) await subscriptions.saveNotificationState(db, person.id, now);
};
