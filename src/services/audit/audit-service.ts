// Reading and verifying the audit trail.
import { listAuditEvents, verifyAuditTrail } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import type { Actor } from '../kernel/actor.ts';
import type { UseCases } from '../kernel/use-case.ts';

export function createAuditService(db: Db, { useCases }: { useCases: UseCases }) {
  return {
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
