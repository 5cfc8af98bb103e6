// PLAN-7: the discharge warning the register and the person page show, kept in person_summaries.
// A ProjectionContributor (person-record.ts): it runs after every change to the person's facts and
// after a plan is finalised.
import { dischargeReadiness, type DischargeReadiness } from '../../domain/plans.ts';
import type { AftercareResult } from '../../domain/aftercare.ts';
import type { IsoDate } from '../../domain/dates.ts';
import type { Db } from '../../data/database.ts';
import { countUnconfirmedPlannedServices, latestPlanVersionNumber, saveDischargeWarning } from '../../data/plans-repository.ts';
import type { PersonRow } from '../../data/schema.ts';

export async function dischargeReadinessOf(db: Db, personId: string, aftercare: AftercareResult, today: IsoDate): Promise<DischargeReadiness> {
  const latest = aftercare.episodes.at(-1) ?? null;
  if (!latest || latest.status !== 'active' || !latest.leftHospitalOn) return { level: 'ok' };
  return dischargeReadiness({
    episodeStatus: latest.status,
    leftHospitalOn: latest.leftHospitalOn,
    planFinal: (await latestPlanVersionNumber(db, personId)) > 0,
    unconfirmedServices: await countUnconfirmedPlannedServices(db, personId, today),
  });
}

export async function dischargeWarningContributor(db: Db, person: PersonRow, aftercare: AftercareResult, today: IsoDate): Promise<void> {
  const readiness = await dischargeReadinessOf(db, person.id, aftercare, today);
  await saveDischargeWarning(db, person.id, readiness.level === 'warning' ? readiness.reasons.join('. ') : null);
}
