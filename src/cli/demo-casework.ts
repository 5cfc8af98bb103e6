// Demonstration casework: what happens to the demonstration people after their legal histories.
// Keyworkers and planning meetings, advocacy and a tribunal recommendation, care and support plans,
// services and budgets, reviews, ending and reinstating aftercare, a complaint, and the money side
// (a charge refunded, a top-up, a dispute, payments for the recharge statement). All of it is
// recorded through the services, each step by the demo user whose job it is, so it is checked and
// audited like any other change.
import type { Actor } from '../services/kernel/actor.ts';
import { demoActor, NORTH_ICB, NORTHBRIDGE, SOUTH_ICB, type DemoContext, type DemoPerson } from './demo-people.ts';
import type { PlanNeed as DomainPlanNeed } from '../domain/plans.ts';

const TEAM = 'Northbridge North Community Mental Health Team';
const COUNCIL_TEAM = 'Northbridge Council Section 117 Team';

/** The need domains the plans below use, with a few realistic needs each. */
type PlanNeed = Omit<DomainPlanNeed, 'id' | 's117'> & { s117?: boolean };

const NEEDS = {
  medication: (who: string): PlanNeed => ({
    domain: 'continuing-mental-health-care', description: 'Support to take prescribed medication every day and to have regular health checks for its side effects.',
    arisesFromMentalDisorder: true, reducesRiskOfDeterioration: true,
    rationale: 'Stopping medication has come before each admission; regular support keeps them well.',
    howMet: 'Care co-ordinator visits fortnightly; depot clinic monthly; physical health check every six months.', who, s117: true,
  }),
  psychology: (who: string): PlanNeed => ({
    domain: 'psychological', description: 'Talking therapy to understand and manage voices and low mood.',
    arisesFromMentalDisorder: true, reducesRiskOfDeterioration: true,
    rationale: 'Their distress is part of the mental disorder; therapy lowers the risk of relapse.',
    howMet: 'Weekly sessions with the community psychologist for six months, then monthly.', who, s117: true,
  }),
  dailyLiving: (who: string): PlanNeed => ({
    domain: 'accommodation', description: 'Help to manage a tenancy: budgeting, shopping, cooking and keeping the home safe.',
    arisesFromMentalDisorder: true, reducesRiskOfDeterioration: true,
    rationale: 'Losing their last tenancy when unwell led to the crisis before admission.',
    howMet: 'Support worker six hours a week, spread over three visits.', who, s117: true,
  }),
  daytime: (who: string): PlanNeed => ({
    domain: 'daytime-activity-employment', description: 'Something meaningful to do in the day, and a route back to work or volunteering.',
    arisesFromMentalDisorder: true, reducesRiskOfDeterioration: true,
    rationale: 'Isolation and an empty day are early warning signs for them.',
    howMet: 'Recovery college course and an employment specialist, once a week.', who, s117: true,
  }),
  social: (who: string): PlanNeed => ({
    domain: 'social-cultural-spiritual', description: 'Keeping in touch with their faith community and friends.',
    arisesFromMentalDisorder: true, reducesRiskOfDeterioration: true,
    rationale: 'Contact with people who know them well helps them notice when they are becoming unwell.',
    howMet: 'Support worker goes with them to begin with; a peer supporter after that.', who, s117: true,
  }),
  physical: (): PlanNeed => ({
    domain: 'physical-health', description: 'Treatment for asthma and a yearly flu jab.',
    arisesFromMentalDisorder: false, reducesRiskOfDeterioration: false,
    rationale: 'A long-standing physical condition, not linked to the mental disorder.',
    howMet: 'Asthma clinic at the GP practice once a year.', who: 'GP practice', s117: false,
  }),
  money: (): PlanNeed => ({
    domain: 'money-benefits', description: 'Help to claim the benefits they are entitled to.',
    arisesFromMentalDisorder: false, reducesRiskOfDeterioration: false,
    rationale: 'Everyone may need this; it is given by the welfare rights service, not as aftercare.',
    howMet: 'One appointment with the council’s welfare rights adviser.', who: 'Northbridge Welfare Rights', s117: false,
  }),
  careHome: (who: string): PlanNeed => ({
    domain: 'accommodation', description: 'A care home with nursing, with staff who understand her mental health, day and night.',
    arisesFromMentalDisorder: true, reducesRiskOfDeterioration: true,
    rationale: 'Her dementia and psychotic depression mean she cannot live safely at home; the staff support keeps her well.',
    howMet: 'Residential care at Hazelmere House, with the community mental health nurse visiting monthly.', who, s117: true,
  }),
};

interface PlanStory {
  name: string;
  needs: PlanNeed[];
  goals: string;
  personViews: string;
  carerViews?: string;
  accommodation: string;
  keyworker: [string, string];
  signedDaysAgo: number;
  sharing: { name: string; relationship: string; consentedDaysAgo: number | null }[];
  final: boolean;
  trigger?: 'admission' | 'tribunal' | 'cto' | 'conditional-discharge';
  meetingPlace?: string;
}

const PRIYA: [string, string] = ['Priya Practitioner (care co-ordinator)', '01632 960 117'];
const KIM: [string, string] = ['Kim Keyworker (council social worker)', '01632 960 245'];

const PLANS: PlanStory[] = [
  { name: "Grace O'Connor", final: true, signedDaysAgo: 280, keyworker: PRIYA, accommodation: 'Her own council flat at 12 Meadow Road.',
    needs: [NEEDS.medication(TEAM), NEEDS.dailyLiving('Northbridge Support Services'), NEEDS.physical()],
    goals: 'Stay well at home, keep my flat and start volunteering at the library.', personViews: 'I want to keep the same support worker. I do not want a lot of different people visiting.',
    sharing: [{ name: 'Maeve O’Connor', relationship: 'sister', consentedDaysAgo: 280 }] },
  { name: 'Jack Thompson', final: true, signedDaysAgo: 31, keyworker: PRIYA, accommodation: 'Supported living flat at Larkspur Court, with staff on site.',
    needs: [NEEDS.medication(TEAM), NEEDS.dailyLiving('Larkspur Court support team'), NEEDS.daytime('Northbridge Recovery College'), NEEDS.money()],
    goals: 'Live on my own one day; for now, learn to cook and get back to college.', personViews: 'The flat is good. I get anxious at night and like that staff are there.',
    carerViews: 'His mum is relieved he has staff nearby and would like a call if he stops answering his phone.',
    sharing: [{ name: 'Carol Thompson', relationship: 'mother', consentedDaysAgo: 31 }] },
  { name: 'Priya Sharma', final: true, signedDaysAgo: 380, keyworker: PRIYA, accommodation: 'Rents a flat with her partner at 6 Tannery Walk.',
    needs: [NEEDS.psychology(TEAM), NEEDS.social('Personal assistant paid by direct payment'), NEEDS.physical()],
    goals: 'Finish my nursing course and choose my own support.', personViews: 'The direct payment means I can pick a personal assistant who speaks Punjabi.',
    sharing: [{ name: 'Arjun Mehta', relationship: 'partner', consentedDaysAgo: 380 }] },
  { name: 'Ethan Marsh', final: true, trigger: 'tribunal', meetingPlace: 'Northbridge Medium Secure Unit', signedDaysAgo: 600, keyworker: PRIYA, accommodation: 'Lives with his brother at 25 Hollybush Lane.',
    needs: [NEEDS.medication('Northbridge Community Forensic Team'), NEEDS.psychology('Community forensic psychologist, paid by a personal health budget'), NEEDS.daytime('Northbridge Works employment scheme')],
    goals: 'Keep out of hospital and get a job outdoors.', personViews: 'I want to choose my own gym and therapy times, so the health budget helps.',
    sharing: [{ name: 'Daniel Marsh', relationship: 'brother', consentedDaysAgo: 600 }] },
  { name: 'Aisha Begum', final: true, trigger: 'conditional-discharge', meetingPlace: 'Northbridge Medium Secure Unit', signedDaysAgo: 415, keyworker: KIM, accommodation: 'Supported living at Cedar House, with 24-hour staff, as her conditional discharge requires.',
    needs: [NEEDS.medication('Northbridge Community Forensic Team'), NEEDS.dailyLiving('Cedar House support team'), NEEDS.social('Cedar House support team'), NEEDS.money()],
    goals: 'Move to a flat with less support within two years.', personViews: 'I am settled at Cedar House. I want more time with my children.',
    sharing: [{ name: 'Rahima Begum', relationship: 'mother', consentedDaysAgo: 415 }, { name: 'Probation Service', relationship: 'offender manager', consentedDaysAgo: null }] },
  { name: 'Marcus Reid', final: true, trigger: 'cto', signedDaysAgo: 725, keyworker: PRIYA, accommodation: 'Housing association flat at 58 Wharf Road.',
    needs: [NEEDS.medication(TEAM), NEEDS.daytime('Wharf Road Day Service'), NEEDS.physical()],
    goals: 'Come off the community treatment order and keep my flat.', personViews: 'I go to the day service three days a week and I like the cooking group.',
    sharing: [] },
  { name: 'Dorothy Pearce', final: true, signedDaysAgo: 94, keyworker: KIM, accommodation: 'Hazelmere House care home, in a room of her family’s choosing.',
    needs: [NEEDS.careHome('Hazelmere House and the older adults mental health team'), NEEDS.physical()],
    goals: 'Be comfortable and safe, and see my family every week.', personViews: 'I like my room and the garden. I want my daughter to be told about changes.',
    carerViews: 'Her daughter wants to be involved in every review and pays for the larger room.',
    sharing: [{ name: 'Susan Pearce', relationship: 'daughter', consentedDaysAgo: 94 }] },
  { name: 'Peter Lindqvist', final: true, signedDaysAgo: 175, keyworker: KIM, accommodation: 'His own house at 13 Garden Row.',
    needs: [NEEDS.medication(TEAM), NEEDS.dailyLiving('Northbridge Support Services'),
      { domain: 'physical-health', description: 'Help with housework and shopping while his hip heals after surgery.', arisesFromMentalDisorder: false, reducesRiskOfDeterioration: false,
        rationale: 'Needed because of the hip operation, not the mental disorder; arranged under the Care Act and charged for.', howMet: 'Home care, two visits a week, for twelve weeks.', who: 'Northbridge Home Care', s117: false }],
    goals: 'Get back to gardening and walking the dog.', personViews: 'I know the home care for my hip is charged for; the mental health support is not.',
    sharing: [{ name: 'Ingrid Lindqvist', relationship: 'wife', consentedDaysAgo: 175 }] },
  // Drafts, not yet agreed.
  { name: 'Hannah Brooks', final: false, signedDaysAgo: 0, keyworker: PRIYA, accommodation: 'Back with her parents while a flat is found.',
    needs: [NEEDS.medication(TEAM), NEEDS.daytime('Northbridge Recovery College')],
    goals: 'Find my own flat near my friends.', personViews: 'Still talking this through with my keyworker.', sharing: [] },
  { name: 'Zara Ahmed', final: false, signedDaysAgo: 0, keyworker: PRIYA, accommodation: 'Supported living trial placement at Orchard Place, tenancy in her name.',
    needs: [NEEDS.dailyLiving('Orchard Place support team'), NEEDS.social(TEAM)],
    goals: 'Make the trial placement permanent.', personViews: 'I want to stay at Orchard Place.', sharing: [] },
];

const S117_SCOPE = (rationale: string) => ({ arisesFromMentalDisorder: true, reducesRiskOfDeterioration: true, rationale });

/** Loads the casework for the demonstration people (after their legal histories). */
export async function loadDemoCasework(ctx: DemoContext, people: Map<string, DemoPerson>, progress: (message: string) => void): Promise<void> {
  const { services } = ctx;
  const pr = ctx.practitioner;
  const la = ctx.laApprover;
  const icb = ctx.icbApprover;
  const finance = await demoActor(services, 'finance@demo.s117.test');
  const keyworker = await demoActor(services, 'keyworker@demo.s117.test');
  const ago = ctx.ago;
  const who = (name: string): string => {
    const person = people.get(name);
    if (!person) throw new Error(`The demonstration person ${name} is missing`);
    return person.id;
  };
  const episodeOf = (name: string): string => {
    const id = people.get(name)?.lastDetention;
    if (!id) throw new Error(`The demonstration person ${name} has no detention`);
    return id;
  };

  // RESP-7: the Northbridge partnership's default splits by category.
  await services.fundingPolicies.create(la, {
    partnershipName: 'Northbridge Section 117 partnership',
    localAuthority: NORTHBRIDGE,
    icb: NORTH_ICB,
    effectiveFrom: ago(3650),
    splits: {
      healthcare: { localAuthorityPercent: 0, icbPercent: 100 },
      medication: { localAuthorityPercent: 0, icbPercent: 100 },
      'social-care': { localAuthorityPercent: 100, icbPercent: 0 },
      employment: { localAuthorityPercent: 100, icbPercent: 0 },
      accommodation: { localAuthorityPercent: 50, icbPercent: 50 },
      'social-cultural-spiritual': { localAuthorityPercent: 100, icbPercent: 0 },
      other: { localAuthorityPercent: 50, icbPercent: 50 },
    },
    notes: 'Agreed by the joint commissioning board. Health care and medication fall to the ICB, social care to the council, and accommodation provided as aftercare is shared equally unless the joint panel agrees a different split.',
  });

  // PLAN-3: keyworkers. The trust's practitioner and a council social worker share the caseload.
  const caseload: [string, Actor][] = [
    ['Amelia Hughes', pr], ['Mohammed Rahman', pr], ['Harriet Lowe', pr], ['Callum Fraser', pr], ['Thomas Whitfield', pr],
    ['Sophie Nowak', pr], ['Grace O\'Connor', pr], ['Jack Thompson', pr], ['Priya Sharma', pr], ['Ethan Marsh', pr],
    ['Marcus Reid', pr], ['Hannah Brooks', pr], ['Zara Ahmed', pr],
    ['Aisha Begum', keyworker], ['Dorothy Pearce', keyworker], ['Peter Lindqvist', keyworker], ['Eleanor Fitzgerald', keyworker],
  ];
  for (const [name, worker] of caseload) {
    const council = worker === keyworker;
    await services.keyworkers.allocate(pr, who(name), {
      userId: worker.userId,
      jobTitle: council ? 'Social worker (AMHP)' : 'Care co-ordinator',
      team: council ? COUNCIL_TEAM : TEAM,
      phone: council ? KIM[1] : PRIYA[1],
      email: council ? 'keyworker@demo.s117.test' : 'practitioner@demo.s117.test',
    });
  }

  // PLAN-1, PLAN-2: a planning meeting held (with apologies), and one arranged for today.
  const held = await services.planning.schedule(pr, who('Amelia Hughes'), { trigger: 'admission', scheduledFor: ago(30), place: 'Ward 2 meeting room, Northbridge Mental Health Unit' });
  await services.planning.update(pr, who('Amelia Hughes'), held.id, held.version, {
    heldOn: ago(30),
    personViews: 'Amelia wants to go home to her flat and keep her cat. She would like help with money and getting back to her job at the garden centre.',
    minutes: 'Discussed what Amelia will need when she leaves hospital: support with medication, help with bills and a phased return to work. The council will assess her for a support worker. Next meeting before any tribunal.',
    attendance: held.invitees.map((invitee, i) => ({ inviteeId: invitee.id, response: i === 1 ? 'apologies' as const : 'attended' as const })),
  });
  await services.planning.schedule(pr, who('Mohammed Rahman'), { trigger: 'admission', scheduledFor: ctx.today, place: 'Ward 4 meeting room, Northbridge Mental Health Unit', personWantsCarerOrFamily: true });

  // ADV-1 to ADV-3: an IMHA referral; MHA25-1: a tribunal recommendation and the response.
  const imha = await services.advocacy.createReferral(pr, who('Mohammed Rahman'), {
    kind: 'imha', referredOn: ago(60), provider: 'Northbridge Advocacy Hub',
    consentToRecords: { personHasCapacity: true, consented: true, decidedOn: ago(58) },
  });
  await services.advocacy.updateReferral(pr, who('Mohammed Rahman'), imha.id, imha.version, {
    involvement: 'The advocate met Mohammed on the ward twice and helped him prepare his views for the planning meeting.',
    outcome: 'Supported Mohammed to ask for leave to visit his family.',
  });
  const recommendation = await services.advocacy.createRecommendation(pr, who('Sophie Nowak'), {
    hearingOn: ago(8),
    recommendation: 'The tribunal discharged the section 3 and recommended that supported accommodation near her family is found, so that she can leave hospital promptly.',
  });
  await services.advocacy.respondToRecommendation(la, who('Sophie Nowak'), recommendation.id, recommendation.version, {
    response: 'The council has referred Sophie to two supported living schemes in Northbridge and will visit with her next week.',
    respondedOn: ago(3),
  });
  progress('Demonstration casework: keyworkers, meetings and advocacy');

  // PLAN-4 to PLAN-6: care and support plans; the final ones are signed, copied and shared.
  const needIds = new Map<string, Map<string, string>>();
  for (const story of PLANS) {
    const id = who(story.name);
    const signed = ago(story.signedDaysAgo);
    const saved = await services.plans.update(pr, id, null, {
      needs: story.needs,
      goals: story.goals,
      personViews: story.personViews,
      carerViews: story.carerViews ?? null,
      accommodation: { details: story.accommodation, endsOn: null, moveOnPlan: null },
      keyworker: { name: story.keyworker[0], contact: story.keyworker[1] },
      nextReviewOn: null,
      contingency: {
        triggers: 'Stopping medication; money worries; losing contact with the team.',
        earlyWarningSigns: 'Sleeping badly, staying in their room, not answering the phone.',
        actions: 'Keyworker visits within two working days; family call the team; the GP reviews medication.',
        whatHelps: 'A quiet space, a familiar face and being listened to.',
        crisisContacts: 'Northbridge crisis line: 0800 000 1170 (24 hours)\nKeyworker: ' + story.keyworker[1],
        onAdmission: 'Tell the family; the support provider keeps the tenancy or placement open.',
      },
      signature: story.final ? { signedOn: signed, notSignedReason: null } : null,
      copyGivenOn: story.final ? signed : null,
      sharing: story.sharing.map((s) => ({ name: s.name, relationship: s.relationship, consentedOn: s.consentedDaysAgo === null ? null : ago(s.consentedDaysAgo) })),
    });
    needIds.set(story.name, new Map(saved.needs.map((n: { id: string; domain: string; s117: boolean }) => [`${n.domain}:${n.s117}`, n.id])));
    if (!story.final) continue;
    await services.plans.finalise(pr, id, null);
    // PLAN-1: the section 117 meeting that agreed the plan, a week before it was signed.
    const meetingOn = ago(story.signedDaysAgo + 7);
    const meeting = await services.planning.schedule(pr, id, { trigger: story.trigger ?? 'admission', scheduledFor: meetingOn, place: story.meetingPlace ?? 'Ward meeting room', personWantsCarerOrFamily: story.sharing.length > 0 });
    await services.planning.update(pr, id, meeting.id, meeting.version, {
      heldOn: meetingOn,
      personViews: story.personViews,
      minutes: `Section 117 planning meeting. Agreed the needs, who will meet each one and the contingency plan; the draft care and support plan to be signed with ${story.name.split(' ')[0]} within a week.`,
      attendance: meeting.invitees.map((invitee) => ({ inviteeId: invitee.id, response: invitee.role === 'gp' ? 'apologies' as const : 'attended' as const })),
    });
  }
  const need = (name: string, domain: string, s117 = true) => needIds.get(name)?.get(`${domain}:${s117}`) ?? null;
  progress('Demonstration casework: care and support plans');

  // Their postal addresses now (where they live is not where they were ordinarily resident: RESP-2).
  const moved: [string, string, string][] = [
    ['Jack Thompson', 'Flat 4, Larkspur Court', 'NB5 2LC'],
    ['Aisha Begum', 'Room 3, Cedar House, 2 Cedar Road', 'NB2 6CH'],
    ['Dorothy Pearce', 'Hazelmere House, 40 Hazel Grove', 'NB2 9HH'],
  ];
  for (const [name, line1, postcode] of moved) await services.people.update(pr, who(name), null, { address: { line1, postcode } });

  // SCOPE-1 to SCOPE-5, RESP-7: services. Funding follows the partnership's policy unless stated.
  const service = async (name: string, input: Record<string, unknown>, as: Actor = pr) => (await services.careServices.create(as, who(name), input)).id;
  await service("Grace O'Connor", { description: 'Care co-ordination and depot clinic', category: 'healthcare', s117: true, scope: S117_SCOPE('Keeps her mental health stable at home.'), needId: need("Grace O'Connor", 'continuing-mental-health-care'), provider: 'Northbridge Mental Health NHS Foundation Trust', weeklyCostPence: 9500, startDate: ago(300), confirmedOn: ago(302) });
  const graceSupport = await service("Grace O'Connor", { description: 'Support worker, six hours a week', category: 'social-care', s117: true, scope: S117_SCOPE('Help with her tenancy prevents the crisis that led to admission.'), needId: need("Grace O'Connor", 'accommodation'), provider: 'Northbridge Support Services', weeklyCostPence: 14_400, startDate: ago(300), confirmedOn: ago(302) });
  const jackFlat = await service('Jack Thompson', {
    description: 'Supported living flat at Larkspur Court', category: 'accommodation', s117: true, scope: S117_SCOPE('He needs staff on site at night to stay well; ordinary housing would not meet that need.'),
    needId: need('Jack Thompson', 'accommodation'), provider: 'Larkspur Court Housing Association', weeklyCostPence: 98_000, startDate: ago(30), confirmedOn: ago(33),
    accommodation: {
      type: 'supported-living', enhancedFeatures: ['on-site-support', 'welfare-checks', '24-hour-staff'],
      reason: 'Enhanced supported accommodation with staff on site around the clock, needed because of his mental disorder (SCOPE-4).', involuntaryPlacement: false,
      rentDecision: { decision: 'housing-benefit-expected', reason: 'The rent is an ordinary housing cost; only the support and enhanced features are aftercare.', decidedOn: ago(33) },
    },
  });
  await service('Jack Thompson', { description: 'Care co-ordination and medication support', category: 'healthcare', s117: true, scope: S117_SCOPE('Keeps his mental health stable in the community.'), needId: need('Jack Thompson', 'continuing-mental-health-care'), provider: 'Northbridge Mental Health NHS Foundation Trust', weeklyCostPence: 9500, startDate: ago(30), confirmedOn: ago(33) });
  // PLAN-7: agreed at the meeting but not yet confirmed by the provider.
  await service('Jack Thompson', { description: 'Employment specialist, one session a week', category: 'employment', s117: true, scope: S117_SCOPE('A structured week protects against relapse.'), needId: need('Jack Thompson', 'daytime-activity-employment'), provider: 'Northbridge Works', weeklyCostPence: 4500, startDate: ago(20) });
  await service('Priya Sharma', { description: 'Community psychology, weekly sessions', category: 'healthcare', s117: true, scope: S117_SCOPE('Therapy lowers her risk of relapse.'), needId: need('Priya Sharma', 'psychological'), provider: 'Northbridge Mental Health NHS Foundation Trust', weeklyCostPence: 12_000, startDate: ago(1100), confirmedOn: ago(1100) });
  const priyaPa = await service('Priya Sharma', { description: 'Personal assistant, eight hours a week', category: 'social-care', s117: true, scope: S117_SCOPE('Support to keep up with friends and her course prevents isolation.'), needId: need('Priya Sharma', 'social-cultural-spiritual'), provider: 'Employed by Priya through a direct payment', weeklyCostPence: 14_400, startDate: ago(360), confirmedOn: ago(362), budget: 'direct-payment' }, keyworker);
  const ethanTherapy = await service('Ethan Marsh', { description: 'Forensic psychology and a gym membership', category: 'healthcare', s117: true, scope: S117_SCOPE('Therapy and exercise reduce the risk of relapse and reoffending.'), needId: need('Ethan Marsh', 'psychological'), provider: 'Chosen by Ethan through a personal health budget', weeklyCostPence: 9000, startDate: ago(500), confirmedOn: ago(505), budget: 'personal-health-budget' }, keyworker);
  const aishaHome = await service('Aisha Begum', {
    description: 'Supported living at Cedar House', category: 'accommodation', s117: true, scope: S117_SCOPE('Her conditional discharge needs staffed accommodation; the support keeps her well.'),
    needId: need('Aisha Begum', 'accommodation'), provider: 'Cedar House Care', weeklyCostPence: 125_000, startDate: ago(420), confirmedOn: ago(425),
    accommodation: { type: 'supported-living', enhancedFeatures: ['24-hour-staff', 'cctv', 'organised-activities'], reason: 'Staffed day and night, as the conditions of her discharge require (SCOPE-4).', involuntaryPlacement: false,
      rentDecision: { decision: 'included-in-aftercare', reason: 'The placement is specialised and its cost cannot be split from the care.', decidedOn: ago(425) } },
  });
  const marcusDay = await service('Marcus Reid', { description: 'Day service, three days a week', category: 'social-care', s117: true, scope: S117_SCOPE('Structure and company keep him well on the CTO.'), needId: need('Marcus Reid', 'daytime-activity-employment'), provider: 'Wharf Road Day Service', weeklyCostPence: 16_500, startDate: ago(700), confirmedOn: ago(700) });
  const dorothyHome = await service('Dorothy Pearce', {
    description: 'Residential care at Hazelmere House', category: 'accommodation', s117: true, scope: S117_SCOPE('She needs a care home with staff who understand her mental disorder.'),
    needId: need('Dorothy Pearce', 'accommodation'), provider: 'Hazelmere House', weeklyCostPence: 110_000, startDate: ago(95), confirmedOn: ago(96),
    accommodation: { type: 'care-home', enhancedFeatures: ['24-hour-staff'], reason: 'A care home placement made as aftercare (SCOPE-4).', involuntaryPlacement: false },
  }, keyworker);
  const peterSupport = await service('Peter Lindqvist', { description: 'Support worker, four hours a week', category: 'social-care', s117: true, scope: S117_SCOPE('Help with daily routines prevents relapse.'), needId: need('Peter Lindqvist', 'accommodation'), provider: 'Northbridge Support Services', weeklyCostPence: 9600, startDate: ago(990), confirmedOn: ago(990) }, keyworker);
  // SCOPE-6: not aftercare, so the council may charge for it under the Care Act.
  await service('Peter Lindqvist', { description: 'Home care after hip surgery, two visits a week', category: 'social-care', s117: false, needId: need('Peter Lindqvist', 'physical-health', false), provider: 'Northbridge Home Care', weeklyCostPence: 7200, personContributionPence: 2500, startDate: ago(60), endDate: null, confirmedOn: ago(61) }, keyworker);

  // DP-1 to DP-3: a direct payment and a personal health budget.
  const directPayment = await services.budgets.create(keyworker, who('Priya Sharma'), { kind: 'direct-payment', serviceIds: [priyaPa], payeeRelationship: 'self', startDate: ago(360), amountPencePerWeek: 14_400 });
  const healthBudget = await services.budgets.create(keyworker, who('Ethan Marsh'), {
    kind: 'personal-health-budget', serviceIds: [ethanTherapy], startDate: ago(500), amountPencePerWeek: 9000, offeredOn: ago(540), consents: true, payingFrom: ago(500),
    carePlan: {
      healthNeedsAndOutcomes: 'Manage voices and stress; keep physically active; stay out of hospital.',
      services: 'Fortnightly forensic psychology; gym membership; a running group.',
      amountAndPaymentIntervals: '£90 a week, paid every four weeks into a managed account.',
      careCoordinator: 'Priya Practitioner',
      conditionMonitoring: 'The community forensic team monitors his mental health; the GP his physical health.',
      firstReviewOn: ago(410),
      reductionNoticeDays: 28,
    },
  });
  await services.budgets.recordReview(keyworker, who('Priya Sharma'), directPayment.id, { heldOn: ago(60) });
  await services.budgets.recordReview(keyworker, who('Ethan Marsh'), healthBudget.id, { heldOn: ago(90) });
  progress('Demonstration casework: services and budgets');

  // REV-1 to REV-3: reviews held, and one asked for.
  const review = (name: string, daysAgo: number, outcome: 'continue' | 'change' | 'propose-ending', notes: string, extra: Record<string, unknown> = {}) =>
    services.reviews.record(pr, who(name), {
      heldOn: ago(daysAgo), attendees: ['the person', 'keyworker', 'council social worker'], invited: ['the person', 'carer', 'keyworker', 'council social worker', 'ICB commissioner'],
      outcome, notes, planWorking: outcome === 'continue' ? 'yes' : 'partly', ...extra,
    });
  await review("Grace O'Connor", 100, 'continue', 'Grace is well and has kept her flat. The support worker will help her apply to volunteer.', { personViews: 'I am happy with my support.' });
  await review('Priya Sharma', 60, 'change', 'Priya now employs her own personal assistant through a direct payment.', { servicesChanged: [{ service: 'Support worker', change: 'stopped', detail: 'Replaced by a personal assistant she employs' }] });
  await review('Ethan Marsh', 90, 'continue', 'Stable for over a year. The personal health budget is working well.');
  await review('Aisha Begum', 45, 'continue', 'Settled at Cedar House; the Ministry of Justice has been sent the report.');
  await review('Marcus Reid', 150, 'change', 'The day service goes down to three days a week at his request.', { servicesChanged: [{ service: 'Day service', change: 'reduced', detail: 'From five days to three' }] });
  await review('Dorothy Pearce', 50, 'continue', 'Six-week review: Dorothy has settled well at Hazelmere House. Her daughter attended.');
  await review('Peter Lindqvist', 170, 'change', 'Reviewed after his short readmission: the support worker now visits twice a week, and home care is arranged for his hip.', { servicesChanged: [{ service: 'Support worker', change: 'changed', detail: 'Now two visits a week, four hours in all' }, { service: 'Home care after hip surgery', change: 'added', detail: 'Outside section 117; charged under the Care Act' }] });
  await services.reviews.request(pr, who('Peter Lindqvist'), { requestedBy: 'carer', requestedOn: ago(10), reason: 'His wife says he has stopped going out since the hip operation.' });

  // END-1 to END-4: aftercare ended by a joint decision after a review and a reassessment.
  await review('Arthur Jennings', 40, 'propose-ending', 'Arthur has been well for over six years and no longer uses any aftercare service. He agrees that aftercare can end.');
  const ending = {
    reasonCode: 'no-longer-needed', personInvolved: true,
    involved: ['Keyworker', 'GP', 'His son'],
  };
  const arthur = await services.ending.propose(pr, who('Arthur Jennings'), episodeOf('Arthur Jennings'), {
    ...ending, reassessedOn: ago(40),
    reasons: 'A reassessment found that Arthur no longer needs any service because of his mental disorder: he has been well without support for several years and manages his own medication with his GP.',
    continuingOutsideS117: 'He goes to a lunch club on Tuesdays, which he arranges and pays for himself.',
  });
  await services.ending.approve(la, who('Arthur Jennings'), episodeOf('Arthur Jennings'), arthur.id);
  await services.ending.approve(icb, who('Arthur Jennings'), episodeOf('Arthur Jennings'), arthur.id);
  // MHA25-2: the joint written notice to Arthur.
  await services.ending.recordNotice(pr, who('Arthur Jennings'), episodeOf('Arthur Jennings'), arthur.id, { sentOn: ctx.today });

  // END-6: ended, then put back in place when Ryan became unwell again.
  await review('Ryan Gallagher', 35, 'propose-ending', 'Ryan has a job and a settled home and says he does not need the team any more.');
  const ryan = await services.ending.propose(pr, who('Ryan Gallagher'), episodeOf('Ryan Gallagher'), {
    ...ending, involved: ['Keyworker', 'Probation officer'], reassessedOn: ago(35),
    reasons: 'A reassessment found that Ryan was managing without aftercare services: he has a job and a settled home.',
  });
  await services.ending.approve(la, who('Ryan Gallagher'), episodeOf('Ryan Gallagher'), ryan.id);
  await services.ending.approve(icb, who('Ryan Gallagher'), episodeOf('Ryan Gallagher'), ryan.id);
  const reinstatement = await services.ending.reinstate(pr, who('Ryan Gallagher'), episodeOf('Ryan Gallagher'), {
    reasons: 'Ryan lost his job and has become unwell again; his needs arise from the same mental disorder, so aftercare is put back in place.',
  });
  await services.ending.approveReinstatement(la, who('Ryan Gallagher'), episodeOf('Ryan Gallagher'), reinstatement.id);
  await services.ending.approveReinstatement(icb, who('Ryan Gallagher'), episodeOf('Ryan Gallagher'), reinstatement.id);

  // END-1: approved by the council, waiting for the ICB.
  await review('Nathan Cole', 14, 'propose-ending', 'Nathan is working full time and has not needed the team for six months. He agrees aftercare can end.');
  const nathan = await services.ending.propose(pr, who('Nathan Cole'), episodeOf('Nathan Cole'), {
    ...ending, involved: ['Keyworker', 'His mother'], reassessedOn: ago(14),
    reasons: 'A reassessment found that Nathan no longer needs aftercare: he lives with his mother, works full time and has not needed the team for six months.',
  });
  await services.ending.approve(la, who('Nathan Cole'), episodeOf('Nathan Cole'), nathan.id);
  progress('Demonstration casework: reviews and endings');

  // CHG-1, CHG-2: Dorothy was charged for her care home while entitled; the charge is refunded.
  const charge = await services.money.recordCharge(finance, who('Dorothy Pearce'), {
    periodFrom: ago(88), periodTo: ago(60), amountPence: 61_600, paidOn: ago(55),
    description: 'Care home contribution, four weeks', serviceId: dorothyHome,
  });
  await services.money.calculateRefund(finance, who('Dorothy Pearce'), { chargeIds: [charge.id] });
  // CMP-1, CMP-2: her daughter complained; the Ombudsman's window runs from when she knew.
  await services.complaints.create(la, who('Dorothy Pearce'), {
    against: 'local-authority', route: 'formal', receivedOn: ago(50), awareOn: ago(54),
    subject: 'Her daughter complained that Dorothy was charged for her care home although the placement is section 117 aftercare.',
    faults: ['charging', 'poor-cost-communication'],
    outcome: 'Upheld. The charge was stopped and a refund with interest has been calculated.', outcomeOn: ago(20),
    learning: 'Finance now checks the register before raising a care home charge.',
  });
  // CHG-3: a top-up for a larger room, paid by her daughter.
  const topUp = await services.money.createTopUp(keyworker, who('Dorothy Pearce'), {
    serviceId: dorothyHome, preferredAccommodation: 'A larger room with a garden view at Hazelmere House',
    conditions: { accommodationType: 'care-home', sameTypeAsDecided: true, suitable: true, available: true, providerAcceptsTerms: true },
    terms: {
      additionalCostPencePerWeek: 4500, localAuthorityPaysPencePerWeek: 110_000, paymentFrequency: 'four-weekly', payee: 'provider',
      reviewProvision: 'Reviewed every year, and whenever Dorothy’s needs change.',
      consequencesOfStoppingPayment: 'We talk with the family first; Dorothy may move to a room the council pays for in full.',
      consequencesOfPriceRise: 'Any rise in the extra cost is agreed with the family before it starts.',
      consequencesOfMeansChange: 'If the family’s means change, we review the agreement together.',
    },
    payer: { kind: 'third-party', relationship: 'daughter' },
  });
  await services.money.updateTopUp(keyworker, who('Dorothy Pearce'), topUp.id, topUp.version, { signedOn: ago(90) });

  // RESP-6: which ICB is responsible is disputed; the originating ICB pays meanwhile.
  await services.money.raiseDispute(icb, who('William Ashby'), {
    partyA: { kind: 'icb', code: NORTH_ICB }, partyB: { kind: 'icb', code: SOUTH_ICB }, subject: 'responsible-icb',
    details: 'He moved to a Southvale GP practice before this detention. Northbridge says Southvale is responsible; Southvale relies on the originating ICB rule.',
    interimFunderCode: NORTH_ICB, raisedOn: ago(40), personToldOn: ago(38),
  });

  // RESP-1, RESP-7: the council's payments, for the recharge statement.
  const pay = (name: string, serviceId: string, from: number, to: number, amountPence: number) =>
    services.money.recordPayment(finance, who(name), serviceId, { body: 'local-authority', periodFrom: ago(from), periodTo: ago(to), amountPence, paidOn: ago(to - 3) });
  await pay('Jack Thompson', jackFlat, 30, 7, 336_000);
  await pay('Aisha Begum', aishaHome, 180, 91, 1_607_143);
  await pay('Aisha Begum', aishaHome, 90, 7, 1_500_000);
  await pay('Dorothy Pearce', dorothyHome, 95, 7, 1_398_571);
  await pay("Grace O'Connor", graceSupport, 90, 7, 172_800);
  await pay('Marcus Reid', marcusDay, 180, 7, 410_143);
  await pay('Peter Lindqvist', peterSupport, 180, 7, 238_629);
  await pay('Priya Sharma', priyaPa, 180, 7, 357_943);
  progress('Demonstration casework: money and complaints');
}
