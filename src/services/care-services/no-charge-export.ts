// CHG-1: the finance export of every s117 service of the people the caller's organisation may see,
// for the council's charging system to block charges on them.
import type { AftercareResult } from '../../domain/aftercare.ts';
import { noChargeInstruction } from '../../domain/care-services.ts';
import { episodeOn } from '../../domain/funding.ts';
import * as repo from '../../data/care-services-repository.ts';
import * as people from '../../data/people-repository.ts';
import type { Actor } from '../kernel/actor.ts';
import { toCsv, type CsvValue } from '../kernel/csv.ts';
import { deriveAftercare } from '../kernel/person-record.ts';
import type { UseCases } from '../kernel/use-case.ts';
import { accommodationFromRow } from './care-services-view.ts';

const HEADER = ['person_id', 'nhs_number', 'local_id', 'service_id', 'description', 'category', 'service_start_date', 'service_end_date', 'entitlement_from', 'entitlement_to', 'instruction'];

export function createNoChargeExport(useCases: UseCases) {
  return {
    /** A CSV with a header row, RFC 4180 quoting and no formulas; audited with the people it lists. */
    async noChargeCsv(actor: Actor): Promise<{ csv: string; rows: number }> {
      const result = await useCases.run(
        actor,
        { permission: 'finance:export', audit: (r: { rows: number; personIds: string[] }) => ({ action: 'finance.no-charge-export', details: { services: r.rows, personIds: r.personIds } }) },
        async ({ trx, today }) => {
          const rows = await repo.listS117ServicesVisibleTo(trx, actor.role === 'admin' ? null : actor.organisationCode);
          const episodesOf = new Map<string, AftercareResult>();
          const lines: CsvValue[][] = [HEADER];
          for (const row of rows) {
            if (!episodesOf.has(row.person_id)) {
              const person = (await people.findPerson(trx, row.person_id))!;
              episodesOf.set(row.person_id, await deriveAftercare(trx, person, today));
            }
            const episode = episodeOn(episodesOf.get(row.person_id)!, row.start_date);
            lines.push([
              row.person_id,
              row.nhs_number,
              row.local_id,
              row.id,
              row.description,
              row.category,
              row.start_date,
              row.end_date,
              episode ? (episode.leftHospitalOn ?? episode.qualifyingFrom) : null,
              episode?.endedOn ?? null,
              noChargeInstruction(accommodationFromRow(row)),
            ]);
          }
          return { csv: toCsv(lines), rows: rows.length, personIds: [...episodesOf.keys()] };
        },
      );
      return { csv: result.csv, rows: result.rows };
    },
  };
}
