// The FHIR R4 read interface (api-contract: "FHIR R4"): every read goes through the kernel's use
// cases, so a resource follows the same visibility as the rest of the register (a person the caller
// may not see does not exist: 404) and every read of a person's record leaves one audit event.
import type { Resource } from '@medplum/fhirtypes';
import type { AftercareResult } from '../../domain/aftercare.ts';
import { episodeStatusesFor } from '../../domain/fhir.ts';
import type { SectionCode } from '../../domain/sections.ts';
import { listServices } from '../../data/care-services-repository.ts';
import type { Db } from '../../data/database.ts';
import * as fhir from '../../data/fhir-repository.ts';
import { loadLegalHistory } from '../../data/legal-history-repository.ts';
import { listGpRegistrations } from '../../data/people-repository.ts';
import { latestPlanVersion } from '../../data/plans-repository.ts';
import type { OrganisationRow, PersonRow } from '../../data/schema.ts';
import { requirePermission, type Actor } from '../kernel/actor.ts';
import { NotFoundError } from '../kernel/errors.ts';
import { deriveAftercare, isUuid, latestBySince, viewerOf } from '../kernel/person-record.ts';
import type { UseCases } from '../kernel/use-case.ts';
import { carePlanResource, encounterResource, episodeOfCareResource, organizationResource, patientResource, type OrganisationInfo } from './fhir-resources.ts';

/** Everything the register holds about one person as FHIR resources. */
export interface FhirRecord {
  patient: Resource;
  encounters: Resource[];
  episodesOfCare: (Resource & { registerStatus: string })[];
  carePlans: Resource[];
  organizations: Resource[];
}

export interface PatientSearch { nhsNumber?: string; updated: ['>' | '>=' | '<' | '<=', Date][]; afterId: string | null; count: number }

const orgInfo = (row: OrganisationRow): OrganisationInfo & { id: string } => ({ id: row.id, code: row.code, name: row.name, type: row.type });

/** The person's record as FHIR resources, read in the caller's transaction without an audit event of its own. */
export async function fhirRecordPart(trx: Db, person: PersonRow, aftercare: AftercareResult): Promise<FhirRecord> {
  const [lastUpdated, gps, history, plan, services] = await Promise.all([
    fhir.lastUpdatedOf(trx, person.id),
    listGpRegistrations(trx, person.id),
    loadLegalHistory(trx, person.id),
    latestPlanVersion(trx, person.id),
    listServices(trx, person.id),
  ]);
  const providers = await fhir.feedProviders(trx, history.admissions.map((a) => a.id));
  const codes = [...new Set(aftercare.episodes.flatMap((e) => [e.localAuthority.code, e.icb.code]).filter((c): c is string => c !== null))];
  const known = new Map((await fhir.organisationsByCode(trx, codes)).map((o) => [o.code, o]));
  const orgs = (code: string, type: 'local-authority' | 'icb'): OrganisationInfo => {
    const row = known.get(code);
    return row ? orgInfo(row) : { id: null, code, name: null, type };
  };
  const gp = latestBySince(gps.map((g) => ({ ...g, since: g.since })));
  const patient = patientResource({
    id: person.id, nhsNumber: person.nhs_number, localId: person.local_id, givenName: person.given_name, familyName: person.family_name, dateOfBirth: person.date_of_birth,
    dateOfDeath: person.date_of_death, addressLine1: person.address_line1, postcode: person.postcode, gpPracticeCode: gp?.practice_code ?? null, lastUpdated,
  });
  const encounters = history.admissions.map((a) => {
    const provider = providers[a.id];
    return encounterResource({
      id: a.id, personId: person.id, hospital: a.hospital, admittedOn: a.admitted_on, dischargedOn: a.discharged_on, lastUpdated, provider: provider ? orgInfo(provider) : null,
      legalStatuses: history.legalStatuses.filter((s) => s.admission_id === a.id).map((s) => ({ id: s.id, section: s.section as SectionCode, startDate: s.start_date, endDate: s.end_date })),
    });
  });
  const episodesOfCare = aftercare.episodes.map((e) => Object.assign(episodeOfCareResource(person.id, e, orgs, lastUpdated), { registerStatus: e.status }));
  const latestEpisode = aftercare.episodes.at(-1)?.id ?? null;
  const carePlans = plan
    ? [carePlanResource({ id: plan.id, personId: person.id, number: plan.number, finalisedAt: plan.finalised_at, content: plan.content, lastUpdated, services: services.map((s) => ({ id: s.id, description: s.description, s117: s.s117, startDate: s.start_date, endDate: s.end_date })) }, latestEpisode)]
    : [];
  const organizations = [...known.values(), ...Object.values(providers)]
    .filter((o, i, all) => all.findIndex((x) => x.id === o.id) === i)
    .map((o) => organizationResource(orgInfo(o), new Date(o.created_at)));
  return { patient, encounters, episodesOfCare, carePlans, organizations };
}

/** Strips what the register added for its own searches. */
function plain<T extends Resource>(resource: T & { registerStatus?: string }): T {
  const { registerStatus: _ignored, ...rest } = resource;
  return rest as T;
}

export function createFhirService({ useCases }: { useCases: UseCases }) {
  const { law } = useCases;
  async function withRecord<T>(actor: Actor, personId: string, action: string, recordType: string, recordId: string, pick: (record: FhirRecord) => T): Promise<T> {
    return useCases.read(actor, personId, { permission: 'person:read', audit: { action, recordType, recordId, details: { interface: 'fhir' } } }, async ({ trx, person, today }) =>
      pick(await fhirRecordPart(trx, person, await deriveAftercare(trx, person, today, law))),
    );
  }

  /** A resource that belongs to a person: 404 unless the caller may see the person, and unless it exists. */
  async function ownedResource(actor: Actor, table: 'admissions' | 'legal_statuses' | 'plan_versions', id: string, resourceType: string, pick: (record: FhirRecord) => Resource | undefined): Promise<Resource> {
    requirePermission(actor, 'person:read');
    const personId = isUuid(id) ? await useCases.run(actor, { permission: 'person:read', audit: null }, ({ trx }) => fhir.ownerOf(trx, table, id)) : undefined;
    if (!personId) throw new NotFoundError(resourceType);
    const found = await withRecord(actor, personId, `fhir.${resourceType.toLowerCase()}.read`, resourceType, id, pick);
    if (!found) throw new NotFoundError(resourceType);
    return plain(found);
  }

  /** A search within one person's record: nothing (an empty result) when the caller may not see them. */
  async function personSearch(actor: Actor, patientId: string, resourceType: string, pick: (record: FhirRecord) => Resource[]): Promise<Resource[]> {
    requirePermission(actor, 'person:read');
    if (!isUuid(patientId)) return [];
    try {
      return (await withRecord(actor, patientId, `fhir.${resourceType.toLowerCase()}.search`, 'person', patientId, pick)).map(plain);
    } catch (error) {
      if (error instanceof NotFoundError) return [];
      throw error;
    }
  }

  return {
    async patient(actor: Actor, id: string): Promise<Resource> {
      if (!isUuid(id)) throw new NotFoundError('Patient');
      return withRecord(actor, id, 'fhir.patient.read', 'person', id, (r) => r.patient);
    },
    encounter: (actor: Actor, id: string) => ownedResource(actor, 'admissions', id, 'Encounter', (r) => r.encounters.find((e) => e.id === id)),
    episodeOfCare: (actor: Actor, id: string) => ownedResource(actor, 'legal_statuses', id, 'EpisodeOfCare', (r) => r.episodesOfCare.find((e) => e.id === id)),
    carePlan: (actor: Actor, id: string) => ownedResource(actor, 'plan_versions', id, 'CarePlan', (r) => r.carePlans.find((e) => e.id === id)),

    encounters: (actor: Actor, patientId: string) => personSearch(actor, patientId, 'Encounter', (r) => r.encounters),
    episodesOfCare: (actor: Actor, patientId: string, fhirStatus: string | null) => {
      const wanted = fhirStatus === null ? null : episodeStatusesFor(fhirStatus);
      return personSearch(actor, patientId, 'EpisodeOfCare', (r) => r.episodesOfCare.filter((e) => wanted === null || (wanted as string[]).includes(e.registerStatus)));
    },
    carePlans: (actor: Actor, patientId: string) => personSearch(actor, patientId, 'CarePlan', (r) => r.carePlans),

    /** Patient/{id}/$everything: the patient and every resource about them. */
    async everything(actor: Actor, id: string): Promise<Resource[]> {
      if (!isUuid(id)) throw new NotFoundError('Patient');
      return withRecord(actor, id, 'fhir.patient.everything', 'person', id, (r) => [r.patient, ...r.encounters, ...r.episodesOfCare.map(plain), ...r.carePlans, ...r.organizations]);
    },

    /** Patients the caller may see, by NHS number and last change; one audit event naming the people found. */
    async searchPatients(actor: Actor, search: PatientSearch): Promise<{ resources: Resource[]; lastId: string | null; more: boolean }> {
      return useCases.run(
        actor,
        { permission: 'person:read', audit: (r: { resources: Resource[] }) => ({ action: 'fhir.patient.search', recordType: 'person', recordId: null, details: { interface: 'fhir', personIds: r.resources.map((p) => p.id) } }) },
        async ({ trx, today }) => {
          const rows = await fhir.searchPeople(trx, { viewer: viewerOf(actor), nhsNumber: search.nhsNumber, updated: search.updated, afterId: search.afterId, limit: search.count + 1 });
          const page = rows.slice(0, search.count);
          const resources: Resource[] = [];
          for (const person of page) resources.push((await fhirRecordPart(trx, person, await deriveAftercare(trx, person, today, law))).patient);
          return { resources, lastId: page.at(-1)?.id ?? null, more: rows.length > search.count };
        },
      );
    },

    async organization(actor: Actor, id: string): Promise<Resource> {
      const row = isUuid(id) ? await useCases.run(actor, { permission: 'person:read', audit: null }, ({ trx }) => fhir.findOrganisation(trx, id)) : undefined;
      if (!row) throw new NotFoundError('Organization');
      return organizationResource(orgInfo(row), new Date(row.created_at));
    },
  };
}

export type FhirService = ReturnType<typeof createFhirService>;
