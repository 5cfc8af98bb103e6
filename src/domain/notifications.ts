// Change notifications (api-contract: "Change notifications"): which changes to a person's record
// are announced, worked out by comparing what subscribers were last told with what the rules derive
// now; when a failed delivery is tried again; and which addresses may receive them.
import type { AftercareResult, EpisodeStatus } from './aftercare.ts';

export const SUBSCRIPTION_EVENTS = ['person.entitled', 'episode.ended', 'episode.reinstated', 'episode.superseded', 'service.s117-changed', 'responsibility.confirmed'] as const;
export type SubscriptionEvent = (typeof SUBSCRIPTION_EVENTS)[number];

/** What subscribers were last told about one person. */
export interface NotificationState {
  episodes: Record<string, { status: EpisodeStatus; localAuthority: string | null; icb: string | null; confirmed: boolean }>;
  /** Each service's id and whether it is s117 (CHG-1: the charging system's "never charge" list). */
  services: Record<string, boolean>;
}

export interface ChangeEvent { event: SubscriptionEvent; episodeId: string | null; serviceId: string | null }

export function notificationState(aftercare: AftercareResult, services: readonly { id: string; s117: boolean }[]): NotificationState {
  return {
    episodes: Object.fromEntries(
      aftercare.episodes.map((e) => [e.id, { status: e.status, localAuthority: e.localAuthority.code, icb: e.icb.code, confirmed: e.localAuthority.confirmed && e.icb.confirmed }]),
    ),
    services: Object.fromEntries(services.map((s) => [s.id, s.s117])),
  };
}

const ENDED: ReadonlySet<EpisodeStatus> = new Set(['ended']);

/**
 * The events between what subscribers were last told and the state now, in a stable order:
 * a new episode (a qualifying detention, ELIG-1) makes the person entitled; an episode jointly ended
 * (END-1) or reinstated (END-6); superseded by a new qualifying detention (END-5); a service that
 * becomes s117, stops being s117, or is first recorded as s117 (CHG-1); and responsibility confirmed
 * or confirmed differently (RESP-2 to RESP-5).
 */
export function changeEvents(before: NotificationState, after: NotificationState): ChangeEvent[] {
  const events: ChangeEvent[] = [];
  const episode = (event: SubscriptionEvent, id: string) => events.push({ event, episodeId: id, serviceId: null });
  for (const [id, now] of Object.entries(after.episodes)) {
    const was = before.episodes[id];
    if (!was) {
      episode('person.entitled', id);
      if (now.status === 'superseded') episode('episode.superseded', id);
      if (ENDED.has(now.status)) episode('episode.ended', id);
      if (now.confirmed) episode('responsibility.confirmed', id);
      continue;
    }
    if (now.status !== was.status) {
      if (ENDED.has(now.status)) episode('episode.ended', id);
      else if (ENDED.has(was.status)) episode('episode.reinstated', id);
      if (now.status === 'superseded') episode('episode.superseded', id);
    }
    if (now.confirmed && (!was.confirmed || now.localAuthority !== was.localAuthority || now.icb !== was.icb)) episode('responsibility.confirmed', id);
  }
  for (const [id, s117] of Object.entries(after.services)) {
    const was = before.services[id];
    if (was === undefined ? s117 : was !== s117) events.push({ event: 'service.s117-changed', episodeId: null, serviceId: id });
  }
  for (const [id, s117] of Object.entries(before.services)) {
    // A removed service that was s117 is no longer on the list.
    if (after.services[id] === undefined && s117) events.push({ event: 'service.s117-changed', episodeId: null, serviceId: id });
  }
  return events;
}

/** Seconds to wait before the next attempt: 30 s doubling to at most six hours, for ever until a 2xx. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(30 * 2 ** Math.max(0, attempts - 1), 6 * 3600);
}

/**
 * A webhook address must be HTTPS; plain HTTP only to this machine (127.0.0.1, ::1, localhost) and
 * only outside production, for tests and local trials. Addresses with credentials are refused.
 */
export function webhookUrlProblem(raw: string, production: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Enter a full address, starting https://';
  }
  if (url.username || url.password) return 'The address must not contain a user name or password';
  const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
  if (url.protocol === 'https:') return production && loopback ? 'In production the address must not be this machine' : null;
  if (url.protocol === 'http:' && loopback && !production) return null;
  return 'The address must start https://';
}
