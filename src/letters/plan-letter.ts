// The person's copy of their care and support plan (PLAN-4 to PLAN-6), in plain English and the
// second person, in the tone of the leaflets in shared/seeds. renderLetter lays it out as an
// accessible tagged PDF, in large print when asked.
import type { Episode } from '../domain/aftercare.ts';
import { formatDate, type IsoDate } from '../domain/dates.ts';
import { itemiseNeeds, needDomainLabel, sharedWith, type PlanContent } from '../domain/plans.ts';
import { sectionLabel } from '../domain/sections.ts';
import type { LetterContact } from '../domain/letters.ts';
import type { LetterBlock, LetterContent } from './document.ts';

export interface PlanLetterInput {
  person: { givenName: string; familyName: string; addressLine1: string | null; postcode: string | null };
  plan: PlanContent;
  /** The final version's number. */
  number: number;
  finalisedOn: IsoDate;
  /** The latest aftercare episode: the qualifying section, its dates and the responsible bodies. */
  episode: Pick<Episode, 'qualifyingSection' | 'qualifyingFrom' | 'detentionFrom' | 'leftHospitalOn' | 'localAuthority' | 'icb'> | null;
  /** Names of organisations by code (the local authority and ICB). */
  organisationNames: Record<string, string>;
  today: IsoDate;
  /** The current services meeting each need, by need id (lower case), so the person's copy says how each need is met. */
  servicesByNeed?: Record<string, readonly { description: string; provider: string; s117: boolean; confirmedOn: IsoDate | null }[]>;
  /** LTR-1, LTR-2: the named contact and the letter's reference. */
  contact?: LetterContact;
  reference?: string;
  /** REV-1 (one date for one fact): the next review as the register derives it, the same date the person page shows; null before the timetable starts. */
  reviewDueOn?: IsoDate | null;
}

const lines = (text: string | null | undefined): string[] =>
  (text ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');

const orNotRecorded = (text: string | null | undefined, fallback = 'Not written down yet. Ask your keyworker.') => (text && text.trim() ? text.trim() : fallback);

export function buildPlanLetter(input: PlanLetterInput): { number: number; letter: LetterContent } {
  const { person, plan, episode, number } = input;
  const bodyName = (code: string | null | undefined, kind: string) => (code ? (input.organisationNames[code] ? `${input.organisationNames[code]} (${code})` : code) : `Not yet confirmed: your keyworker will tell you which ${kind} it is`);
  const { s117, notS117 } = itemiseNeeds(plan.needs);
  const servicesFor = (needId: string) => input.servicesByNeed?.[needId.toLowerCase()] ?? [];
  const blocks: LetterBlock[] = [];
  // REV-1, one date for one fact: the register's next review date when given, else what the version says.
  const reviewOn = input.reviewDueOn !== undefined ? input.reviewDueOn : plan.nextReviewOn;

  blocks.push({
    heading: 'What this plan is',
    paragraphs: [
      `This is your care and support plan. It says what help you will get after you leave hospital, who will give it and what to do if you start to feel unwell again. It is version ${number} of your plan, agreed on ${formatDate(input.finalisedOn)}.`,
      'This help is called aftercare. Section 117 of the Mental Health Act says you must get aftercare when you leave hospital. It is there to help you stay well and to lower the chance of you needing to go back into hospital.',
    ],
  });

  blocks.push({
    heading: 'Your aftercare is free',
    paragraphs: [
      'Section 117 aftercare is free. You will never be charged for it. It does not matter how much money or savings you have.',
      'If anyone asks you to pay for a service that this plan says is section 117 aftercare, do not pay. Tell your keyworker.',
      ...(notS117.length > 0
        ? ['Some of the help in this plan is not section 117 aftercare, because it is not linked to your mental health. It is marked below. The usual rules apply to that help, and you may be asked to pay towards it after a financial assessment.']
        : []),
    ],
  });

  const whyFacts = episode
    ? [
        { label: 'You were detained under', value: sectionLabel(episode.qualifyingSection) },
        { label: 'Detained from', value: formatDate(episode.detentionFrom) },
        { label: 'You left hospital', value: episode.leftHospitalOn ? formatDate(episode.leftHospitalOn) : 'Not yet' },
        { label: 'Your local council', value: bodyName(episode.localAuthority.code, 'council') },
        { label: 'Your NHS Integrated Care Board (ICB)', value: bodyName(episode.icb.code, 'ICB') },
      ]
    : [];
  blocks.push({
    heading: 'Why you get aftercare and who is responsible',
    paragraphs: [
      'You get aftercare because you were kept in hospital under a section of the Mental Health Act that gives you the right to it. Your local council and the NHS share the responsibility for your aftercare. They will work with you, and with the people who help you, to make sure the help in this plan is in place.',
    ],
    facts: whyFacts,
  });

  blocks.push({
    heading: 'Your needs and what will happen',
    paragraphs: plan.needs.length === 0 ? ['No needs are written in this plan. Ask your keyworker.'] : [`Your plan lists ${plan.needs.length} ${plan.needs.length === 1 ? 'need' : 'needs'}. ${s117.length} ${s117.length === 1 ? 'is' : 'are'} section 117 aftercare and free.`],
  });
  plan.needs.forEach((need, i) => {
    blocks.push({
      facts: [
        { label: `Need ${i + 1}`, value: `${needDomainLabel(need.domain)}: ${need.description}` },
        { label: 'What will happen', value: orNotRecorded(need.howMet) },
        { label: 'Who will do it', value: orNotRecorded(need.who) },
        { label: 'Section 117 aftercare', value: need.s117 ? 'Yes. This is section 117 aftercare, so it is free.' : 'No. This is not section 117 aftercare.' },
      ],
    });
    const met = servicesFor(need.id);
    if (met.length > 0) {
      blocks.push({
        paragraphs: [`The ${met.length === 1 ? 'service' : 'services'} that meet need ${i + 1}:`],
        list: met.map((s) => `${s.description}, from ${s.provider}${s.confirmedOn ? '' : ' (being arranged)'}. ${s.s117 ? 'This is section 117 aftercare, so you do not pay for it.' : 'This is not section 117 aftercare.'}`),
      });
    }
  });

  blocks.push({
    heading: 'What matters to you',
    facts: [
      { label: 'Your goals', value: orNotRecorded(plan.goals, 'Not written down yet.') },
      { label: 'What you told us', value: orNotRecorded(plan.personViews, 'Not written down yet.') },
      ...(plan.carerViews ? [{ label: 'What your carer or family told us', value: plan.carerViews }] : []),
    ],
  });

  if (plan.accommodation.details || plan.accommodation.endsOn) {
    blocks.push({
      heading: 'Where you will live',
      paragraphs: [orNotRecorded(plan.accommodation.details, 'See below.')],
      facts: plan.accommodation.endsOn
        ? [
            { label: 'This placement ends on', value: formatDate(plan.accommodation.endsOn) },
            { label: 'What happens next (your move-on plan)', value: orNotRecorded(plan.accommodation.moveOnPlan) },
          ]
        : [],
    });
  }

  blocks.push({
    heading: 'Your keyworker',
    paragraphs: [
      'Your keyworker makes sure the help in this plan is in place and arranges your reviews. Contact them if something in this plan is not happening, if your needs change, or if you want to talk about your plan.',
    ],
    facts: [
      { label: 'Name', value: plan.keyworker.name ?? 'Not yet allocated. Your council or your mental health team will tell you who it is.' },
      ...(plan.keyworker.contact ? [{ label: 'How to contact them', value: plan.keyworker.contact }] : []),
    ],
  });

  const c = plan.contingency;
  blocks.push({
    heading: 'If you start to feel unwell: your contingency plan',
    paragraphs: ['This part of your plan says what to look out for and what to do if things get harder. Keep it somewhere you and the people close to you can find it.'],
    facts: [
      ...(c.triggers ? [{ label: 'Things that can make you unwell', value: c.triggers }] : []),
      ...(c.earlyWarningSigns ? [{ label: 'Signs to watch for', value: c.earlyWarningSigns }] : []),
      ...(c.actions ? [{ label: 'What you, your family and your team will do', value: c.actions }] : []),
      ...(c.whatHelps ? [{ label: 'What helps you', value: c.whatHelps }] : []),
      ...(c.onAdmission ? [{ label: 'If you go into hospital', value: c.onAdmission }] : []),
    ],
  });
  blocks.push({
    heading: 'Who to call in a crisis',
    list: [...lines(c.crisisContacts), 'In an emergency, or if your life is at risk, call 999.', 'If you need help urgently but it is not an emergency, call NHS 111 and choose the mental health option.'],
  });

  const shared = sharedWith(plan.sharing);
  blocks.push({
    heading: 'Who can see your plan',
    paragraphs: [
      shared.length > 0
        ? 'You agreed that we can share your plan with these people:'
        : 'You have not asked us to share your plan with anyone else, such as your family or carers. You can change your mind at any time: tell your keyworker.',
    ],
    list: shared.map((s) => (s.relationship ? `${s.name} (${s.relationship})` : s.name)),
  });

  blocks.push({
    heading: 'Your signature',
    paragraphs: [
      plan.signature.signedOn
        ? `You signed this plan on ${formatDate(plan.signature.signedOn)}.`
        : `This plan was not signed. The reason written down is: ${orNotRecorded(plan.signature.notSignedReason, 'none given')}.`,
      ...(plan.copyGivenOn ? [`You were given a copy on ${formatDate(plan.copyGivenOn)}.`] : []),
    ],
  });

  blocks.push({
    heading: 'When your plan will be reviewed',
    paragraphs: [
      reviewOn
        ? `Your plan will be reviewed with you by ${formatDate(reviewOn)}.`
        : 'Your plan will be reviewed with you. Your first review should be within 6 weeks of leaving hospital, and then at least once a year.',
      'You can ask for a review sooner at any time, for example if your needs change or something in this plan is not working. Ask your keyworker, or ask someone you trust or an advocate to ask for you.',
    ],
  });

  blocks.push({
    heading: 'If you are not happy',
    paragraphs: [
      'Talk to your keyworker first. They may be able to sort things out quickly.',
      'You can also make a complaint to your local council or to the NHS. If you are still not happy with their answer, you can ask the Local Government and Social Care Ombudsman or the Parliamentary and Health Service Ombudsman to look at it. They are free to use.',
      'An advocate can help you say what you want and make a complaint. Ask your keyworker how to get one.',
    ],
  });

  const address = [person.addressLine1, person.postcode].filter((l): l is string => Boolean(l));
  return {
    number,
    letter: {
      title: 'Your care and support plan',
      to: [`${person.givenName} ${person.familyName}`, ...address],
      date: formatDate(input.today),
      salutation: `Dear ${person.givenName} ${person.familyName},`,
      blocks,
      closing: ['This plan belongs to you. Keep it somewhere safe, and share it with the people you trust.'],
      footer: `Your care and support plan, version ${number}`,
      ...(input.contact && { contact: input.contact }),
      ...(input.reference && { reference: input.reference }),
    },
  };
}
