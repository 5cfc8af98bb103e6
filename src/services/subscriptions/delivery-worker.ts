// Delivers the outbox: POSTs each due delivery, signed, to its subscription's address; a 2xx answer
// acknowledges it, anything else (an error status, a refused connection, a receiver that hangs past
// the timeout) is recorded and retried with back-off (notifications.ts) until acknowledged. Several
// processes may run it at once: each claims deliveries with FOR UPDATE SKIP LOCKED and a lease.
import { createHmac } from 'node:crypto';
import { retryDelaySeconds } from '../../domain/notifications.ts';
import type { Db } from '../../data/database.ts';
import * as subscriptions from '../../data/subscriptions-repository.ts';

export interface DeliveryWorkerOptions {
  clock: () => Date;
  /** How long a receiver may take to answer (default 10 s). */
  timeoutMs?: number;
  /** How often to look for due deliveries (default 2 s). */
  pollMs?: number;
  batch?: number;
}

/** S117-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>. */
export function signature(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')}`;
}

export function createDeliveryWorker(db: Db, options: DeliveryWorkerOptions) {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const batch = options.batch ?? 20;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;

  async function deliver(due: subscriptions.DueDelivery): Promise<void> {
    const body = JSON.stringify({
      id: due.event_id, event: due.event, occurredAt: new Date(due.occurred_at).toISOString(), personId: due.person_id, nhsNumber: due.nhs_number,
      ...(due.episode_id && { episodeId: due.episode_id }), ...(due.service_id && { serviceId: due.service_id }),
    });
    const sentAt = options.clock();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(due.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'S117-Signature': signature(due.secret, body, Math.floor(sentAt.getTime() / 1000)), 'S117-Delivery': due.id, 'user-agent': 'S117-Register-Webhooks/1' },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      statusCode = response.status;
      await response.body?.cancel().catch(() => {});
      if (statusCode < 200 || statusCode > 299) error = `HTTP ${statusCode}`;
    } catch (e) {
      // The kind of failure only: never the address's answer, which could hold anything.
      error = (e as Error).name === 'TimeoutError' ? `No answer within ${timeoutMs / 1000} seconds` : `Could not connect (${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name})`;
    }
    const at = options.clock();
    const delivered = error === null;
    await subscriptions.recordDeliveryAttempt(db, due.id, { delivered, at, statusCode, error, nextAttemptAt: delivered ? null : new Date(at.getTime() + retryDelaySeconds(due.attempts + 1) * 1000) });
  }

  /** One pass: claims the due deliveries and tries each; answers how many were tried. */
  async function runOnce(): Promise<number> {
    const due = await subscriptions.claimDueDeliveries(db, options.clock(), batch, Math.ceil(timeoutMs / 1000) + 30);
    await Promise.all(due.map(deliver));
    return due.length;
  }

  return {
    runOnce,
    /** Delivers until nothing is due (tests, and draining before a stop). */
    async drain(): Promise<void> {
      while ((await runOnce()) > 0);
    },
    start(): void {
      if (timer) return;
      timer = setInterval(() => {
        if (running) return;
        running = runOnce().catch(() => 0).finally(() => { running = null; });
      }, options.pollMs ?? 2000);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
