// Reading and verifying the audit trail: one person's events, the audit page's search of the trail
// (who read or changed whose record, when) for auditors and admins, and refusals recorded.
import { z } from 'zod';
import { findUserByEmail } from '../../data/accounts-repository.ts';
import { appendAuditEvent, listAuditEvents, searchAuditEvents } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import { auditActor, requirePermission, type Actor } from '../kernel/actor.ts';
import { isUuid } from '../kernel/person-record.ts';
import type { UseCases } from '../kernel/use-case.ts';
import { parseInput } from '../kernel/validation.ts';
import { IsoDateInput, NhsNumberInput } from '../people/people-inputs.ts';
import { createAuditSealer, DEVELOPMENT_AUDIT_KEY, proveAuditEvent, sealAuditTrail, verifyAuditLog, type AuditLogSettings } from './audit-log.ts';

/** The audit log's key and where its checkpoints go (config: S117_AUDIT_*); the development key by default. */
export interface AuditServiceSettings extends Partial<AuditLogSettings> { sealIntervalMs?: number; onSealError?: (error: unknown) => void }

const PAGE_SIZE = 100;
/** The most events one download holds; narrow the filters for more. */
export const AUDIT_EXPORT_LIMIT = 50_000;

const AuditSearchInput = z.object({
  nhsNumber: NhsNumberInput.optional(),
  person: z.string().trim().uuid('Enter the id of a person’s record').optional(),
  email: z.string().trim().toLowerCase().email('Enter an email address, like name@example.org').max(254).optional(),
  organisation: z.string().trim().toUpperCase().regex(/^[A-Z0-9]{3,9}$/, 'Choose an organisation').optional(),
  from: IsoDateInput.optional(),
  to: IsoDateInput.optional(),
  before: z.coerce.number({ message: 'That page of events is not one this server gave out' }).int().positive().max(2 ** 53).optional(),
}).refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'The end date must be the same as or after the start date', path: ['to'] });

export function createAuditService(db: Db, { useCases, clock = () => new Date(), log = {} }: { useCases: UseCases; clock?: () => Date; log?: AuditServiceSettings }) {
  const settings: AuditLogSettings = { key: log.key ?? DEVELOPMENT_AUDIT_KEY, checkpointsDir: log.checkpointsDir ?? null, checkpointEveryMs: log.checkpointEveryMs, clock };
  const sealer = createAuditSealer(db, { ...settings, intervalMs: log.sealIntervalMs, onError: log.onSealError });
  /** The filters as the data layer takes them; an email that names no user matches no event. */
  async function filters(actor: Actor, input: unknown) {
    requirePermission(actor, 'audit:read');
    const query = parseInput(AuditSearchInput, input);
    const user = query.email ? await findUserByEmail(db, query.email) : undefined;
    return {
      query,
      search: {
        nhsNumber: query.nhsNumber,
        personId: query.person,
        userId: query.email ? (user?.id ?? '00000000-0000-0000-0000-000000000000') : undefined,
        organisationCode: query.organisation,
        from: query.from,
        to: query.to,
        visibleTo: actor.role === 'admin' ? null : actor.organisationCode,
      },
      // What the audit event of the search records: which filters, never the NHS number or email.
      audited: { nhsNumber: Boolean(query.nhsNumber), personId: query.person ?? null, userId: user?.id ?? null, organisation: query.organisation ?? null, from: query.from ?? null, to: query.to ?? null },
    };
  }

  return {
    /**
     * A refused read or write (403, or 404 for what the caller may not see) is audited too (issue 15,
     * probe 10): who, the person the route names (an id), the route's pattern (never the URL, which can
     * hold a search), the method and the status. Nothing from the request's body or query.
     */
    async recordRefusal(actor: Actor, refusal: { status: number; method: string; route: string; personId?: string | undefined }): Promise<void> {
      const personId = refusal.personId && isUuid(refusal.personId) ? refusal.personId : null;
      await db.transaction().execute((trx) =>
        appendAuditEvent(trx, { ...auditActor(actor), action: 'access.refused', recordType: personId ? 'person' : null, recordId: personId, personId, details: { status: refusal.status, method: refusal.method, route: refusal.route } }, clock()),
      );
    },

    /** Seals what can be sealed, then checks the whole log and its checkpoints (s117 audit verify). */
    verify: (onProgress?: (checked: number) => void) => verifyAuditLog(db, settings, onProgress),

    /** Seals now and writes a checkpoint if there is anything new (s117 audit seal). */
    seal: () => sealAuditTrail(db, settings.key, { ...settings, checkpoint: 'now' }),

    /** An inclusion proof of event `seq` against the latest signed checkpoint (s117 audit prove). */
    prove: (seq: number) => proveAuditEvent(db, settings, seq),

    /** The sealer inside the server: start() on listening, stop() on close. */
    sealer,

    /** The audit events of one person's record, newest first; reading them is itself audited. */
    async forPerson(actor: Actor, personId: string, limit = 100) {
      return useCases.read(actor, personId, { permission: 'audit:read', audit: { action: 'audit.view' } }, async ({ trx, person }) => {
        const events = await listAuditEvents(trx, { personId: person.id, limit });
        return events.map((e) => ({ seq: e.seq, at: new Date(e.at).toISOString(), userId: e.user_id, organisationId: e.organisation_id, action: e.action, recordType: e.record_type, recordId: e.record_id, details: e.details }));
      });
    },

    /**
     * The audit page: events newest first, a page at a time, filtered by person, user, organisation
     * and UK dates. An auditor sees the events about the people their organisation may see and the
     * events of their own organisation's users; an admin sees all. The search is audited itself.
     */
    async search(actor: Actor, input: unknown) {
      const { query, search, audited } = await filters(actor, input);
      const audit = (page: { items: { seq: number }[] }) => ({ action: 'audit.search', details: { ...audited, results: page.items.length } });
      return useCases.run(actor, { permission: 'audit:read', audit }, async ({ trx }) => {
        const rows = await searchAuditEvents(trx, { ...search, beforeSeq: query.before, limit: PAGE_SIZE + 1 });
        const items = rows.slice(0, PAGE_SIZE).map(auditLine);
        return { items, olderBefore: rows.length > PAGE_SIZE ? items.at(-1)!.seq : null };
      });
    },

    /** The same events for a CSV download (at most AUDIT_EXPORT_LIMIT), audited as an export. */
    async export(actor: Actor, input: unknown) {
      const { search, audited } = await filters(actor, input);
      const audit = (result: { items: unknown[] }) => ({ action: 'audit.export', details: { ...audited, results: result.items.length } });
      return useCases.run(actor, { permission: 'audit:read', audit }, async ({ trx }) => {
        const rows = await searchAuditEvents(trx, { ...search, limit: AUDIT_EXPORT_LIMIT + 1 });
        return { items: rows.slice(0, AUDIT_EXPORT_LIMIT).map(auditLine), complete: rows.length <= AUDIT_EXPORT_LIMIT };
      });
    },
  };
}

function auditLine(e: Awaited<ReturnType<typeof searchAuditEvents>>[number]) {
  return {
    seq: e.seq,
    at: new Date(e.at).toISOString(),
    user: e.user_id ? { id: e.user_id, name: e.user_name, email: e.user_email } : null,
    organisation: e.organisation_code ? { code: e.organisation_code, name: e.organisation_name } : null,
    action: e.action,
    recordType: e.record_type,
    recordId: e.record_id,
    person: e.person_id ? { id: e.person_id, givenName: e.person_given_name, familyName: e.person_family_name } : null,
  };
}
