// Test data for the care and support plan: a person detained under section 3 (optionally discharged)
// recorded through the services, and plan inputs.
import type { Actor } from '../../src/services/kernel/actor.ts';
import type { Services } from '../../src/services/index.ts';
import { NORTHBRIDGE_PERSON } from './services.ts';

export async function detainedPerson(services: Services, actor: Actor, options: { givenName?: string; familyName?: string; leftHospitalOn?: string } = {}) {
  const person = await services.people.create(actor, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: options.givenName ?? 'Plan', familyName: options.familyName ?? 'Person' });
  const admission = await services.legalHistory.addAdmission(actor, person.id, { hospital: 'Northbridge Hospital', admittedOn: '2025-01-02', dischargedOn: options.leftHospitalOn ?? null });
  await services.legalHistory.addLegalStatus(actor, person.id, { section: '3', startDate: '2025-01-02', endDate: options.leftHospitalOn ?? null, admissionId: admission.id });
  return person;
}

export const S117_NEED = {
  domain: 'continuing-mental-health-care',
  description: 'Help to take medication every day',
  arisesFromMentalDisorder: true,
  reducesRiskOfDeterioration: true,
  rationale: 'Stopping medication led to the last admission',
  howMet: 'Support worker visits each morning',
  who: 'Northbridge community mental health team',
  s117: true,
};

export const OTHER_NEED = {
  domain: 'physical-health',
  description: 'Treatment for a knee injury',
  arisesFromMentalDisorder: false,
  reducesRiskOfDeterioration: false,
  rationale: 'Not linked to the mental disorder',
  howMet: 'Physiotherapy through the GP',
  who: 'GP practice',
  s117: false,
};

export const CONTINGENCY = {
  triggers: 'Stopping medication; losing contact with the team',
  earlyWarningSigns: 'Sleeping badly, not answering the phone',
  actions: 'Keyworker visits within 2 days; sister calls the team',
  whatHelps: 'Staying with my sister for a few days',
  crisisContacts: 'Crisis team: 0300 555 0199\nKeyworker: 0300 555 0123',
  onAdmission: 'Neighbour looks after the cat',
};

export function completePlanInput(overrides: Record<string, unknown> = {}) {
  return {
    needs: [S117_NEED, OTHER_NEED],
    goals: 'Go back to college',
    personViews: 'I want to live on my own',
    carerViews: null,
    accommodation: { details: 'Own flat', endsOn: null, moveOnPlan: null },
    keyworker: { name: 'Alex Keyworker', contact: '0300 555 0123' },
    nextReviewOn: '2027-01-15',
    contingency: CONTINGENCY,
    signature: { signedOn: '2025-03-01', notSignedReason: null },
    copyGivenOn: '2025-03-01',
    sharing: [
      { name: 'Ama Sister', relationship: 'sister', consentedOn: '2025-03-01' },
      { name: 'Ben Friend', relationship: 'friend', consentedOn: null },
    ],
    ...overrides,
  };
}
