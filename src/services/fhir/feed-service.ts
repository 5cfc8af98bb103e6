// Detentions fed in (issue 12): a provider's system sends a transaction Bundle of Patient and
// Encounter resources after each change in its record. Each becomes a hospital stay with its legal
// statuses, matched on the NHS number and on the sender's identifiers: a re-sent bundle changes
// nothing, a corrected one updates the same stay in place, and a bundle with any problem changes
// nothing at all (one transaction). The aftercare status is then derived as usual (PLAN-1 planning
// starts the same day), and each person changed gets an audit event.
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { validateAdmission, validateLegalStatus } from '../../domain/legal-history.ts';
import type { ReviewSettings } from '../../domain/reviews.ts';
import { appendAuditEvent } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import * as fhir from '../../data/fhir-repository.ts';
import * as history from '../../data/legal-history-repository.ts';
import * as people from '../../data/people-repository.ts';
import { recordDuplicateRegistration } from '../../data/duplicates-repository.ts';
import type { PersonRow } from '../../data/schema.ts';
import { auditActor, requirePermission, type Actor } from '../kernel/actor.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../kernel/errors.ts';
import { viewerOf } from '../kernel/person-record.ts';
import { refreshProjectionsById } from '../kernel/projections.ts';
import type { UseCases } from '../kernel/use-case.ts';
import { BadRequestError } from '../kernel/validation.ts';
import { readFeedBundle, type FedEncounter, type FedPatient } from './feed-bundle.ts';

interface FeedOptions { useCases: UseCases; reviews: ReviewSettings }

interface PersonOutcome { created: boolean; admissionsCreated: number; admissionsCorrected: number; unchanged: number }

const prefixed = (entry: number, violations: readonly FieldError[]): FieldError[] => violations.map((v) => ({ ...v, field: `entry[${entry}].resource.${v.field}` }));

export function createFhirFeedService({ useCases, reviews }: FeedOptions) {
  const { law } = useCases;
  return {
    async receive(actor: Actor, body: unknown): Promise<Bundle> {
      requirePermission(actor, 'detentions:feed');
      if (actor.organisationType !== 'provider') throw new ForbiddenError('Only a provider organisation’s system can feed detentions');
      const reading = readFeedBundle(body, actor.organisationCode);
      if (!reading.ok) throw reading.status === 400 ? new BadRequestError(reading.errors) : new ValidationError(reading.errors);

      return useCases.run(actor, { permission: 'detentions:feed', audit: (r: Bundle) => ({ action: 'fhir.feed', recordType: 'bundle', recordId: null, details: { entries: r.entry?.length ?? 0 } }) }, async ({ trx, today, now }) => {
        const responses: BundleEntry[] = [];
        const personOf = new Map<string, PersonRow>();
        const outcomes = new Map<string, PersonOutcome>();
        const outcome = (personId: string) => outcomes.get(personId) ?? outcomes.set(personId, { created: false, admissionsCreated: 0, admissionsCorrected: 0, unchanged: 0 }).get(personId)!;

        for (const patient of reading.patients) {
          const { person, created } = await matchPatient(trx, actor, patient, today);
          if (patient.fullUrl) personOf.set(patient.fullUrl, person);
          if (created) outcome(person.id).created = true;
          responses[patient.entry] = { response: { status: created ? '201 Created' : '200 OK', location: `Patient/${person.id}` } };
        }
        for (const encounter of reading.encounters) {
          const person = 'fullUrl' in encounter.subject ? personOf.get(encounter.subject.fullUrl)! : await visiblePerson(trx, actor, encounter.subject.personId, encounter.entry);
          const { admissionId, change } = await applyEncounter(trx, actor, person, encounter, today, now);
          const o = outcome(person.id);
          if (change === 'created') o.admissionsCreated += 1;
          else if (change === 'corrected') o.admissionsCorrected += 1;
          else o.unchanged += 1;
          responses[encounter.entry] = { response: { status: change === 'created' ? '201 Created' : '200 OK', location: `Encounter/${admissionId}` } };
        }
        // The projections once per person changed, then one audit event per person (ids and counts only).
        for (const [personId, o] of outcomes) {
          const changed = o.created || o.admissionsCreated > 0 || o.admissionsCorrected > 0;
          if (changed) await refreshProjectionsById(trx, personId, today, reviews, law);
          await appendAuditEvent(trx, { ...auditActor(actor), action: changed ? 'fhir.feed.apply' : 'fhir.feed.unchanged', recordType: 'person', recordId: personId, personId, details: { ...o } }, now);
        }
        return { resourceType: 'Bundle', type: 'transaction-response', entry: responses };
      });
    },
  };
}

/** The sender may act only on a person it may already see (a register id it was given). */
async function visiblePerson(trx: Db, actor: Actor, personId: string, entry: number): Promise<PersonRow> {
  const person = await people.findVisiblePerson(trx, personId, viewerOf(actor), { lock: true });
  if (!person) throw new NotFoundError(`patient of entry[${entry}]`);
  return person;
}

/**
 * The person with this NHS number, registered now when the register does not know them (the sending
 * organisation then keeps sight of them, as a practitioner who registers someone does). The feed does
 * not give sight of someone already on the register whom the sender may not see (their responsible
 * bodies allocate staff for that), nor does it say that they are there (issue 15 probe 9: "not there"
 * and "not yours" answer the same): as on registering (0110, ADR 0015), the sender's patient becomes a
 * new record, pointing at the person already registered (duplicate_of) for an admin to reconcile.
 * A record of the NHS number the sender may see (its own earlier one too) is matched as before.
 */
async function matchPatient(trx: Db, actor: Actor, patient: FedPatient, today: string): Promise<{ person: PersonRow; created: boolean }> {
  const all = await people.findAllByNhsNumber(trx, patient.nhsNumber);
  // The registered record first, then later records of the same NHS number (one of them the sender's own).
  for (const row of [...all.filter((r) => r.duplicate_of === null), ...all.filter((r) => r.duplicate_of !== null)]) {
    const person = await people.findVisiblePerson(trx, row.id, viewerOf(actor), { lock: true });
    if (person) return { person, created: false };
  }
  const existing = all.find((r) => r.duplicate_of === null);
  const missing = (['givenName', 'familyName', 'birthDate'] as const).filter((f) => !patient[f]);
  if (missing.length > 0) throw new ValidationError(missing.map((f) => ({ field: `entry[${patient.entry}].resource.${f === 'birthDate' ? 'birthDate' : 'name'}`, message: 'A Patient new to the register needs a name and birth date' })));
  if (patient.birthDate! > today) throw new ValidationError([{ field: `entry[${patient.entry}].resource.birthDate`, message: 'birthDate is in the future' }]);
  const id = randomUUID();
  await people.insertPerson(trx, {
    id, ...(existing && { duplicate_of: existing.id }), nhs_number: patient.nhsNumber, local_id: null, given_name: patient.givenName!, family_name: patient.familyName!, date_of_birth: patient.birthDate!, date_of_death: null,
    address_line1: patient.addressLine1, postcode: patient.postcode,
  });
  await people.insertAllocation(trx, { id: randomUUID(), personId: id, userId: actor.userId, organisationId: actor.organisationId, reason: 'registered the person' });
  if (existing) await recordDuplicateRegistration(trx, { id: randomUUID(), personId: id, duplicateOf: existing.id, route: 'fhir-feed', organisationCode: actor.organisationCode });
  // The projections (and so the sender's sight of the person) are derived once at the end of the bundle.
  return { person: (await people.findPerson(trx, id))!, created: true };
}

async function applyEncounter(trx: Db, actor: Actor, person: PersonRow, encounter: FedEncounter, today: string, now: Date): Promise<{ admissionId: string; change: 'created' | 'corrected' | 'unchanged' }> {
  const links = await Promise.all(encounter.identifiers.map((i) => fhir.findFeedLink(trx, actor.organisationId, 'Encounter', i.system, i.value)));
  const linked = links.find((l) => l?.admission_id);
  if (linked && linked.person_id !== person.id) {
    throw new ConflictError(`entry[${encounter.entry}]: that Encounter identifier is already another patient’s stay`);
  }
  const stay = { hospital: encounter.hospital, admittedOn: encounter.admittedOn, dischargedOn: encounter.dischargedOn };
  const statuses = [...encounter.legalStatuses].sort((a, b) => a.startDate.localeCompare(b.startDate));

  if (!linked) {
    const admissionId = randomUUID();
    refuse(encounter.entry, validateAdmission(await people.loadFacts(trx, person), { id: admissionId, ...stay }, today));
    await history.insertAdmission(trx, { id: admissionId, personId: person.id, ...stay });
    for (const status of statuses) {
      const candidate = { id: randomUUID(), ...status, admissionId };
      refuse(encounter.entry, validateLegalStatus(await people.loadFacts(trx, person), candidate, today));
      await history.insertLegalStatus(trx, { personId: person.id, ...candidate });
    }
    for (const i of encounter.identifiers) await fhir.insertFeedLink(trx, { organisationId: actor.organisationId, resourceType: 'Encounter', system: i.system, value: i.value, personId: person.id, admissionId });
    return { admissionId, change: 'created' };
  }

  const admissionId = linked.admission_id!;
  const admission = (await history.findAdmission(trx, admissionId))!;
  let corrected = false;
  if (admission.hospital !== stay.hospital || admission.admitted_on !== stay.admittedOn || admission.discharged_on !== stay.dischargedOn) {
    refuse(encounter.entry, validateAdmission(await people.loadFacts(trx, person), { id: admissionId, ...stay }, today));
    await fhir.correctAdmission(trx, admissionId, stay);
    corrected = true;
  }
  const recorded = (await history.loadLegalHistory(trx, person.id)).legalStatuses.filter((s) => s.admission_id === admissionId);
  if (recorded.length > statuses.length) {
    throw new ValidationError([{ field: `entry[${encounter.entry}].resource.extension`, message: 'A legal status recorded for this stay is missing from the correction: the feed corrects and adds legal statuses but does not withdraw one; ask the register’s users to' }]);
  }
  for (const [i, status] of statuses.entries()) {
    const row = recorded[i];
    if (row && row.section === status.section && row.start_date === status.startDate && row.end_date === status.endDate) continue;
    const candidate = { id: row?.id ?? randomUUID(), ...status, admissionId };
    refuse(encounter.entry, validateLegalStatus(await people.loadFacts(trx, person), candidate, today));
    if (row) await fhir.correctLegalStatus(trx, row.id, status);
    else await history.insertLegalStatus(trx, { personId: person.id, ...candidate });
    corrected = true;
  }
  // Identifiers the sender added since (a second identifier of the same stay) are linked too.
  for (const [i, link] of links.entries()) {
    const id = encounter.identifiers[i]!;
    if (!link) await fhir.insertFeedLink(trx, { organisationId: actor.organisationId, resourceType: 'Encounter', system: id.system, value: id.value, personId: person.id, admissionId });
    else if (corrected) await fhir.touchFeedLink(trx, actor.organisationId, 'Encounter', id.system, id.value, now);
  }
  return { admissionId, change: corrected ? 'corrected' : 'unchanged' };
}

function refuse(entry: number, violations: readonly FieldError[]): void {
  if (violations.length > 0) throw new ValidationError(prefixed(entry, violations));
}
