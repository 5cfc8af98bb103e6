// Reading and verifying the audit trail.
import { appendAuditEvent, listAuditEvents, verifyAuditTrail } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import { auditActor, requirePermission, type Actor } from '../kernel/actor.ts';
import { findVisiblePerson } from '../kernel/person-record.ts';

export function createAuditService(db: Db, { clock }: { clock: () => Date }) {
  return {
    verify: (onProgress?: (checked: number) => void) => verifyAuditTrail(db, onProgress),

    /** The audit events of one person's record, newest first; reading them is itself audited. */
    async forPerson(actor: Actor, personId: string, limit = 100) {
      requirePermission(actor, 'audit:read');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const events = await listAuditEvents(trx, { personId: person.id, limit });
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'audit.view', recordType: 'person', recordId: person.id, personId: person.id }, clock());
        return events.map((e) => ({ seq: e.seq, at: new Date(e.at).toISOString(), userId: e.user_id, organisationId: e.organisation_id, action: e.action, recordType: e.record_type, recordId: e.record_id, details: e.details }));
      });
    },
  };
}
