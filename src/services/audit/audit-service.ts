// Reading and verifying the audit trail.
import { appendAuditEvent, listAuditEvents, verifyAuditTrail } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import { auditActor, type Actor } from '../kernel/actor.ts';
import { isUuid } from '../kernel/person-record.ts';
import type { UseCases } from '../kernel/use-case.ts';

export function createAuditService(db: Db, { useCases, clock = () => new Date() }: { useCases: UseCases; clock?: () => Date }) {
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

    verify: (onProgress?: (checked: number) => void) => verifyAuditTrail(db, onProgress),

    /** The audit events of one person's record, newest first; reading them is itself audited. */
    async forPerson(actor: Actor, personId: string, limit = 100) {
      return useCases.read(actor, personId, { permission: 'audit:read', audit: { action: 'audit.view' } }, async ({ trx, person }) => {
        const events = await listAuditEvents(trx, { personId: person.id, limit });
        return events.map((e) => ({ seq: e.seq, at: new Date(e.at).toISOString(), userId: e.user_id, organisationId: e.organisation_id, action: e.action, recordType: e.record_type, recordId: e.record_id, details: e.details }));
      });
    },
  };
}
