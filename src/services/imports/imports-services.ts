// Moving in (issue 10): the service on a register row, imported as a care service of the person
// through the care-services rules (serviceViolations) and repository, in the import's transaction.
// Idempotent: the same person, provider and start date is the same service, whose cost, split and
// charge a later file updates instead of adding a second.
import { randomUUID } from 'node:crypto';
import { serviceViolations, type ServiceCandidate } from '../../domain/care-services.ts';
import type { AftercareResult, LawSettings } from '../../domain/aftercare.ts';
import type { IsoDate } from '../../domain/dates.ts';
import type { ServiceRow } from '../../data/schema.ts';
import { episodeOn } from '../../domain/funding.ts';
import type { RegisterRecord } from '../../domain/import-rows.ts';
import { importedService, importFieldOf } from '../../domain/import-services.ts';
import * as services from '../../data/care-services-repository.ts';
import type { Db } from '../../data/database.ts';
import * as people from '../../data/people-repository.ts';
import type { PersonRow } from '../../data/schema.ts';
import { candidateColumns, candidateFromRow } from '../care-services/care-services-view.ts';
import { deriveAftercare } from '../kernel/person-record.ts';
import { mustHaveUpdated } from '../kernel/use-case.ts';

export interface ServiceFinding { key: string; value: string; message: string; action: string; rule?: string }
/**
 * Writes the row's service once the row's stay and legal status are written. `aftercare`: the
 * person's aftercare derived after those writes, when the caller has it (the import derives a whole
 * part of a chunk at once); otherwise it is derived here. `batch`: a new service is added to it, for
 * the caller to insert with the others (insertServices), instead of inserted at once.
 */
export type ServiceWrite = (personId: string, aftercare?: Pick<AftercareResult, 'episodes'>, batch?: services.NewService[]) => Promise<{ action: 'import.service.create' | 'import.service.update'; serviceId: string; previous?: Record<string, unknown> } | null>;

/** The value a finding about the service shows, as the sheet wrote it (near enough: pounds and percentages). */
function valueOf(line: NonNullable<RegisterRecord['service']>, key: string): string {
  const pounds = (p: number | null) => (p === null ? '' : (p / 100).toFixed(2));
  if (key === 'charge') return pounds(line.chargePence);
  if (key === 'weeklyCost') return pounds(line.weeklyCostPence);
  if (key === 'laShare' || key === 'icbShare') return `${line.laShare ?? ''} + ${line.icbShare ?? ''}`;
  if (key === 'service') return line.name;
  return '';
}

const RULE_ACTION = 'Correct the service in the sheet (an s117 service is never charged for; the shares make 100%), then import the row again';

/** What importing the row's service would do, checked before anything of the row is written. */
export async function planImportedService(trx: Db, rec: RegisterRecord, person: PersonRow | null, today: IsoDate, law: LawSettings, userId: string, held?: readonly ServiceRow[], batchId: string | null = null): Promise<{ problems: ServiceFinding[] } | { write: ServiceWrite | null }> {
  if (!rec.service) return { write: null };
  const { service, problems } = importedService(rec.service, rec.s117, rec.leftHospitalOn ?? rec.detainedOn);
  const line = rec.service;
  if (!service) return { problems: problems.map((p) => ({ ...p, value: valueOf(line, p.key) })) };
  // `held`: the person's services, when the caller read them with those of others (the same rows as listServices).
  const existing = person ? (held ?? (await services.listServices(trx, person.id))).find((s) => s.provider === service.provider && s.start_date === service.candidate.startDate) : undefined;
  const candidate: ServiceCandidate = existing
    ? { ...candidateFromRow(existing), funding: service.candidate.funding, weeklyCostPence: service.candidate.weeklyCostPence, personContributionPence: service.candidate.personContributionPence }
    : service.candidate;
  const violations = serviceViolations(candidate);
  if (violations.length > 0) {
    return { problems: violations.map((v) => ({ key: importFieldOf(v.field), value: valueOf(line, importFieldOf(v.field)), message: v.message, action: RULE_ACTION, ...(v.rule && { rule: v.rule }) })) };
  }
  if (existing) {
    const changes = {
      weekly_cost_pence: candidate.weeklyCostPence,
      la_percent: candidate.funding.localAuthorityPercent,
      icb_percent: candidate.funding.icbPercent,
      person_contribution_pence: candidate.personContributionPence,
    };
    if (Object.entries(changes).every(([k, v]) => existing[k as keyof typeof changes] === v)) return { write: null };
    return {
      write: async () => {
        mustHaveUpdated(await services.updateService(trx, existing.id, existing.version, { ...changes, updated_by: userId }), 'service');
        // The values replaced, for the undo of a batch committed chunk by chunk (0127).
        const previous = { ...Object.fromEntries(Object.keys(changes).map((k) => [k, existing[k as keyof typeof changes]])), updated_by: existing.updated_by };
        return { action: 'import.service.update', serviceId: existing.id, previous };
      },
    };
  }
  return {
    write: async (personId, derived, batch) => {
      const aftercare = derived ?? (await deriveAftercare(trx, (await people.findPerson(trx, personId))!, today, law));
      const id = randomUUID();
      const row: services.NewService = {
        id,
        person_id: personId,
        episode_id: episodeOn(aftercare, candidate.startDate)?.id ?? null,
        need_id: null,
        provider: service.provider,
        policy_id: null,
        funding_override_reason: null,
        confirmed_on: null,
        created_by: userId,
        import_batch_id: batchId,
        ...candidateColumns(candidate),
      };
      if (batch) batch.push(row);
      else await services.insertService(trx, row);
      return { action: 'import.service.create', serviceId: id };
    },
  };
}
