// Moving in (issue 10): the service on a register row as a care service of the person. The sheet
// gives the service, its provider, weekly cost, the LA/ICB split, a charge and "s117 yes/no"; the
// register's own service rules (care-services.ts) decide whether it may be recorded. Pure: no I/O.
import type { ServiceCandidate } from './care-services.ts';
import type { IsoDate } from './dates.ts';
import type { ServiceLine } from './import-rows.ts';

/** The provider recorded when the sheet names none (a service always has one). */
export const UNNAMED_PROVIDER = 'Not named in the imported file';

export interface ImportedService { candidate: ServiceCandidate; provider: string }

/** A problem with the row's service, by the import field it is about. */
export interface ServiceProblem { key: string; message: string; action: string; rule?: string }

/**
 * The care service a row describes, or the problems that stop it. It starts when the person left
 * hospital (aftercare begins there), or on the detention date when the sheet has no leaving date.
 * A split with one share given takes the rest for the other body; with neither, nothing is guessed.
 */
export function importedService(line: ServiceLine, s117: boolean | null, startDate: IsoDate | null): { service: ImportedService | null; problems: ServiceProblem[] } {
  const problems: ServiceProblem[] = [];
  if (!startDate) problems.push({ key: 'leftHospitalOn', message: 'A service without a date it began: the register dates it from when the person left hospital', action: 'Add the date the person left hospital (or the detention date)' });
  if (line.weeklyCostPence === null) problems.push({ key: 'weeklyCost', message: 'A service without its weekly cost', action: 'Add the weekly cost (0 if it costs nothing)' });
  const la = line.laShare ?? (line.icbShare === null ? null : 100 - line.icbShare);
  const icb = line.icbShare ?? (la === null ? null : 100 - la);
  if (la === null || icb === null) problems.push({ key: 'laShare', message: 'A service without the local authority’s and the ICB’s shares of its cost', action: 'Add the LA share and the ICB share (together 100%)', rule: 'RESP-1' });
  if (problems.length > 0 || !startDate || line.weeklyCostPence === null || la === null || icb === null) return { service: null, problems };
  const candidate: ServiceCandidate = {
    description: line.name,
    category: 'other',
    careType: 'mixed',
    s117: s117 === true,
    scope: null,
    funding: { localAuthorityPercent: la, icbPercent: icb },
    weeklyCostPence: line.weeklyCostPence,
    personContributionPence: line.chargePence ?? 0,
    startDate,
    endDate: null,
    accommodation: null,
    budget: null,
  };
  return { service: { candidate, provider: line.provider ?? UNNAMED_PROVIDER }, problems };
}

/** The import field a service rule's field is read from, so a finding names the sheet's column. */
export function importFieldOf(serviceField: string): string {
  if (serviceField === 'funding.icbPercent') return 'icbShare';
  if (serviceField.startsWith('funding')) return 'laShare';
  if (serviceField === 'weeklyCostPence') return 'weeklyCost';
  if (serviceField === 'personContributionPence') return 'charge';
  if (serviceField === 'startDate' || serviceField === 'endDate') return 'leftHospitalOn';
  return 'service';
}
