// What the pages call the register's codes: one module of labels, so that a status, a category or
// an answer reads the same on every page. The domain's own sentences (rule explanations, meeting
// triggers, invitees) stay with their rules in src/domain.
import type { ComplaintFault } from '../../domain/complaints.ts';

/** What each aftercare status is called on the pages. */
export const AFTERCARE_STATUS_LABELS: Record<string, string> = {
  'not-entitled': 'Not entitled',
  planning: 'Planning (detained)',
  'entitled-pending-discharge': 'Entitled, awaiting discharge',
  active: 'Active',
  'in-custody': 'In custody',
  ended: 'Ended',
  superseded: 'Superseded',
  deceased: 'Deceased',
};

/** The colour of each aftercare status tag. */
export const AFTERCARE_STATUS_COLOURS: Record<string, string> = {
  'not-entitled': 'grey',
  planning: 'blue',
  'entitled-pending-discharge': 'yellow',
  active: 'green',
  'in-custody': 'orange',
  ended: 'white',
  superseded: 'grey',
  deceased: 'white',
};

/** The person form's fields, as error messages name them. */
export const PERSON_FIELD_LABELS: Record<string, string> = {
  givenName: 'given name',
  familyName: 'family name',
  dateOfBirth: 'date of birth',
  dateOfDeath: 'date of death',
  nhsNumber: 'NHS number',
  localId: 'local ID',
  'address.line1': 'first line of the address',
  'address.postcode': 'postcode',
  'residence.localAuthority': 'local authority code',
  'residence.since': 'date they started living there',
  'gp.practiceCode': 'GP practice code',
  'gp.icb': 'ICB code',
  'gp.since': 'date they registered with the GP',
};

export const REFERRAL_KIND_LABELS: Record<string, string> = {
  imha: 'Independent mental health advocate (IMHA)',
  'care-act': 'Care Act advocate',
  imca: 'Independent mental capacity advocate (IMCA)',
  general: 'General (community) advocacy',
};

export const ACCOMMODATION_LABELS: Record<string, string> = {
  ordinary: 'Ordinary housing (for example a general-needs rented flat)',
  'enhanced-specialised': 'Enhanced or specialised accommodation',
  'care-home': 'Care home',
  'supported-living': 'Supported living',
  'shared-lives': 'Shared Lives',
  other: 'Other',
};

export const ACCOMMODATION_FEATURE_LABELS: Record<string, string> = {
  '24-hour-staff': '24-hour staff on site',
  cctv: 'CCTV',
  'welfare-checks': 'Welfare checks',
  'organised-activities': 'Organised activities',
  'on-site-support': 'Support on site',
  other: 'Other feature aimed at the mental condition',
};

export const RENT_LABELS: Record<string, string> = {
  'included-in-aftercare': 'Rent and service charges are part of free aftercare',
  'housing-benefit-expected': 'Housing benefit is expected to cover the rent (contested: SCOPE-5)',
  'person-pays': 'The person pays rent and service charges (contested: SCOPE-5)',
};

/** The service form's fields, as error messages name them. */
export const SERVICE_FIELD_LABELS: Record<string, string> = {
  description: 'description',
  category: 'category',
  s117: 'whether the service is section 117 aftercare',
  'scope.arisesFromMentalDisorder': 'whether it meets a need arising from the mental disorder',
  'scope.reducesRiskOfDeterioration': 'whether it reduces the risk of deterioration',
  'scope.rationale': 'rationale',
  careType: 'care type',
  provider: 'provider',
  needId: 'need in the care and support plan',
  funding: 'funding split',
  'funding.localAuthorityPercent': 'local authority’s percentage',
  'funding.icbPercent': 'ICB’s percentage',
  fundingOverrideReason: 'reason for a different split',
  weeklyCostPence: 'weekly cost',
  personContributionPence: 'person’s weekly contribution',
  startDate: 'start date',
  endDate: 'end date',
  'accommodation.type': 'accommodation type',
  'accommodation.enhancedFeatures': 'enhanced features',
  'accommodation.reason': 'reason the accommodation is aftercare',
  budget: 'budget',
};

export const INVITATION_RESPONSE_LABELS: Record<string, string> = { attended: 'Attended', apologies: 'Sent apologies', 'did-not-attend': 'Did not attend' };

export const COMPLAINT_AGAINST_LABELS = { 'local-authority': 'The local authority', nhs: 'The NHS (ICB or trust)', both: 'Both' } as const;

export const COMPLAINT_FAULT_LABELS: Record<ComplaintFault, string> = {
  'charging': 'Charging, or asking for rent or housing benefit, for s117 care or accommodation',
  'delay': 'Delay in arranging or funding aftercare',
  'no-owner': 'No one responsible for an action in the plan',
  'no-contingency': 'No contingency or move-on plan',
  'ending-without-reassessment': 'Ending without a reassessment or a joint decision',
  'unclear-plan': 'A plan that does not show which services are s117',
  'flawed-policy': 'A flawed joint policy',
  'poor-cost-communication': 'Poor communication about costs',
};

export const CATEGORY_LABELS: Record<string, string> = {
  healthcare: 'Health care',
  'social-care': 'Social care',
  medication: 'Medication',
  employment: 'Employment support',
  accommodation: 'Accommodation',
  'social-cultural-spiritual': 'Social, cultural or spiritual',
  other: 'Other',
};

/** Who a budget pays, by relationship to the person (the services page and the budget forms). */
export const PAYEE_LABELS: Record<string, string> = {
  self: 'The person themselves',
  'spouse-or-partner': 'Their spouse or partner',
  'close-relative': 'A close relative',
  'other-relative': 'Another relative',
  representative: 'Their representative or authorised person',
  other: 'Someone else',
};

export const BODY_LABELS: Record<string, string> = { 'local-authority': 'Local authority', icb: 'ICB' };

export const DISPUTE_SUBJECT_LABELS: Record<string, string> = {
  'ordinary-residence': 'Ordinary residence (which council is responsible)',
  'responsible-icb': 'Which ICB is responsible',
  'funding-split': 'How the cost is split',
  eligibility: 'Whether the person is entitled',
  other: 'Something else',
};

export const REFUND_STATUS_LABELS: Record<string, string> = { calculated: 'Calculated, waiting for approval', approved: 'Approved, not yet paid', paid: 'Paid' };

export const CHARGE_COVERAGE_LABELS: Record<string, string> = { whole: 'Yes, all of it', part: 'Part of it', none: 'No' };

export const REVIEW_OUTCOME_LABELS: Record<string, string> = {
  continue: 'Carry on as now',
  change: 'Change the aftercare (services changed, s117 continues)',
  'propose-ending': 'Consider ending section 117 aftercare (to be proposed and decided jointly)',
};

export const PLAN_WORKING_LABELS: Record<string, string> = { yes: 'Yes', partly: 'Partly', no: 'No' };

export const SERVICE_CHANGE_LABELS: Record<string, string> = { changed: 'Changed', reduced: 'Reduced', stopped: 'Stopped', added: 'Added' };

/** Why a person is on the dashboard (REV-1, DP-1(d), DP-2). */
export const REVIEW_REASON_LABELS: Record<string, string> = { review: 'Aftercare review', 'direct-payment-review': 'Direct payment review', 'personal-health-budget-review': 'Personal health budget review' };

export const BUDGET_RULE_LABELS: Record<string, string> = {
  drugOrAlcoholRequirement: 'whether the person is subject to a drug or alcohol requirement',
  capacity: 'whether the person has capacity',
  consents: 'whether the person consents',
  authorisedPerson: 'authorised person or representative',
  'authorisedPerson.name': 'authorised person’s name',
  'authorisedPerson.relationship': 'authorised person’s relationship',
  consultationRecordedOn: 'date the consultation was recorded',
  enhancedDbsCheckedOn: 'date of the enhanced DBS check',
};

export const APPROVAL_SIDE_LABELS = { 'local-authority': 'Local authority', icb: 'ICB' } as const;

/** The need form's fields, as error messages name them. */
export const NEED_FIELD_LABELS: Record<string, string> = {
  domain: 'area of life',
  description: 'need',
  arisesFromMentalDisorder: 'answer to the first question',
  reducesRiskOfDeterioration: 'answer to the second question',
  rationale: 'reason for the answers',
  howMet: 'how the need will be met',
  who: 'who will meet the need',
  s117: 'section 117 answer',
};

/** The plan details form's fields, as error messages name them. */
export const PLAN_DETAIL_FIELD_LABELS: Record<string, string> = {
  goals: 'goals',
  personViews: 'person’s views',
  carerViews: 'carer’s views',
  'accommodation.details': 'accommodation',
  'accommodation.endsOn': 'date the placement ends',
  'accommodation.moveOnPlan': 'move-on plan',
  'keyworker.name': 'keyworker’s name',
  'keyworker.contact': 'keyworker’s contact details',
  nextReviewOn: 'date of the next review',
  'contingency.triggers': 'triggers',
  'contingency.earlyWarningSigns': 'early warning signs',
  'contingency.actions': 'what people will do',
  'contingency.whatHelps': 'what helps',
  'contingency.crisisContacts': 'crisis contacts',
  'contingency.onAdmission': 'what happens on admission',
  'signature.signedOn': 'date the person signed',
  'signature.notSignedReason': 'reason the plan was not signed',
  copyGivenOn: 'date a copy was given',
};

/** Moving in (issue 10): the words the import pages use for kinds, modes, statuses and disagreements. */
export const IMPORT_KIND_LABELS: Record<string, string> = { register: 'Spreadsheet register', detentions: 'Detentions extract (MHSDS)' };
export const IMPORT_MODE_LABELS: Record<string, string> = { 'dry-run': 'Check only (dry run)', commit: 'Import' };
export const IMPORT_STATUS_LABELS: Record<string, string> = { mapping: 'Waiting for the columns to be confirmed', queued: 'Waiting to start', running: 'Working', done: 'Finished', failed: 'Failed: nothing was saved' };
export const DISAGREEMENT_LABELS: Record<string, string> = {
  'marked-s117-not-detained': 'Marked s117 but never detained under a qualifying section',
  'detained-not-marked-s117': 'Detained under a qualifying section but not marked s117',
  'detained-missing-from-register': 'Detained under a qualifying section but missing from the register',
  'ended-without-joint-decision': 'Ended in the sheet without a joint decision',
  'responsible-la-differs': 'Responsible local authority differs from the rules',
  'responsible-icb-differs': 'Responsible ICB differs from the rules',
  'review-overdue': 'Review overdue',
  'review-date-differs': 'Next review date differs from the rules',
  's117-service-charged': 's117 service with a charge',
};

/** MHA25-3: the specified accommodation of Care Act s39 a council may arrange. */
export const PLACEMENT_KIND_LABELS: Record<string, string> = { 'care-home': 'Care home', 'supported-living': 'Supported living', 'shared-lives': 'Shared lives' };
