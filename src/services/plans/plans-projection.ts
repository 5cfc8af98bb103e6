// PLAN-7: whether the person is ready to leave hospital as the plan and the person page show it (the
// register keeps its warning in person_summaries.discharge_warning: kernel/projections.ts).
import { dischargeReadiness, type DischargeReadiness } from '../../domain/plans.ts';
import type { AftercareResult } from '../../domain/aftercare.ts';
import type { IsoDate } from '../../domain/dates.ts';
import type { Db } from '../../data/database.ts';
import { countUnconfirmedPlannedServices, latestPlanVersionNumber } from '../../data/plans-repository.ts';

export async function dischargeReadinessOf(db: Db, personId: string, aftercare: AftercareResult, today: IsoDate): Promise<DischargeReadiness> {
  // The plan and services are read only when the readiness depends on them.
  if (!readinessDependsOnPlan(aftercare)) return { level: 'ok' };
  return dischargeReadinessGiven(aftercare, { planFinal: (await latestPlanVersionNumber(db, personId)) > 0, unconfirmedServices: await countUnconfirmedPlannedServices(db, personId, today) });
}

/** Whether the latest episode is active and out of hospital: only then do the plan and services matter. */
function readinessDependsOnPlan(aftercare: AftercareResult): boolean {
  const latest = aftercare.episodes.at(-1) ?? null;
  return Boolean(latest && latest.status === 'active' && latest.leftHospitalOn);
}

/** PLAN-7 from what was already read (the person page's read model): as dischargeReadinessOf. */
export function dischargeReadinessGiven(aftercare: AftercareResult, read: { planFinal: boolean; unconfirmedServices: number }): DischargeReadiness {
  const latest = aftercare.episodes.at(-1) ?? null;
  if (!latest || !readinessDependsOnPlan(aftercare)) return { level: 'ok' };
  return dischargeReadiness({ episodeStatus: latest.status, leftHospitalOn: latest.leftHospitalOn!, ...read });
}
