// CHG-1: the finance export of every s117 service of the people the caller's organisation may see,
// for the council's charging system to block charges on them.
import type { AftercareResult } from '../../domain/aftercare.ts';
import { noChargeInstruction } from '../../domain/care-services.ts';
import { responsibilitySpans } from '../../domain/recharges.ts';
import * as repo from '../../data/care-services-repository.ts';
import type { Actor } from '../kernel/actor.ts';
import { toCsv, type CsvValue } from '../kernel/csv.ts';
import { deriveAftercareOf } from '../kernel/person-record.ts';
import type { UseCases } from '../kernel/use-case.ts';
import { accommodationFromRow } from './care-services-view.ts';

/** service_start_date and service_end_date: the days of the service the row's episode answers for (the whole service when one episode does). */
const HEADER = ['person_id', 'nhs_number', 'local_id', 'service_id', 'description', 'category', 'service_start_date', 'service_end_date', 'entitlement_from', 'entitlement_to', 'instruction'];

export function createNoChargeExport(useCases: UseCases) {
  const { law } = useCases;
  return {
    /** A CSV with a header row, RFC 4180 quoting and no formulas; audited with the people it lists. */
    async noChargeCsv(actor: Actor): Promise<{ csv: string; rows: number }> {
      const result = await useCases.run(
        actor,
        { permission: 'finance:export', audit: (r: { rows: number; personIds: string[] }) => ({ action: 'finance.no-charge-export', details: { services: r.rows, personIds: r.personIds } }) },
        async ({ trx, today }) => {
          const rows = await repo.listS117ServicesVisibleTo(trx, actor.role === 'admin' ? null : actor.organisationCode);
          // Their episodes derived in batches (a few queries per thousand people, not a dozen per person).
          const episodesOf: Map<string, AftercareResult> = await deriveAftercareOf(trx, rows.map((r) => r.person_id), today, law);
          const lines: CsvValue[][] = [HEADER];
          for (const row of rows) {
            // Money 1 (issue 15): a service running across two episodes (a re-detention after a move,
            // a superseded episode) is one row per episode, dated by the days of the service that
            // episode's bodies answer for, as the recharge statement splits it (domain/recharges.ts).
            const aftercare = episodesOf.get(row.person_id)!;
            const episodes = new Map(aftercare.episodes.map((e) => [e.id, e]));
            const parts = responsibilitySpans(aftercare.episodes, { localAuthority: null, icb: null }).flatMap((span) => {
              const from = span.from !== null && span.from > row.start_date ? span.from : row.start_date;
              const to = span.to !== null && (row.end_date === null || span.to < row.end_date) ? span.to : row.end_date;
              if (to !== null && to < from) return [];
              return [{ episode: span.episodeId ? (episodes.get(span.episodeId) ?? null) : null, from, to }];
            });
            for (const { episode, from, to } of parts) {
              lines.push([
                row.person_id,
                row.nhs_number,
                row.local_id,
                row.id,
                row.description,
                row.category,
                from,
                to,
                episode ? (episode.leftHospitalOn ?? episode.qualifyingFrom) : null,
                episode?.endedOn ?? null,
                noChargeInstruction(accommodationFromRow(row)),
              ]);
            }
          }
          return { csv: toCsv(lines), rows: lines.length - 1, personIds: [...new Set(rows.map((r) => r.person_id))] };
        },
      );
      return { csv: result.csv, rows: result.rows };
    },
  };
}
