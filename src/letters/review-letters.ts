// Letters to the person about their reviews (REV-1 to REV-3, END-7): the invitation to a review and
// what was decided at it. Plain English, second person, in the tone of the leaflets.
import { formatDate } from '../domain/dates.ts';
import type { PlanWorking, ReviewOutcome, ServiceChange } from '../domain/reviews.ts';
import type { LetterContact } from '../domain/letters.ts';
import { renderLetter, type LetterBlock, type LetterContent, type LetterOptions } from './document.ts';

export interface ReviewLetterPerson { givenName: string; familyName: string; addressLine1: string | null; postcode: string | null }

export interface ReviewLetterBase {
  person: ReviewLetterPerson;
  /** Names of the responsible local authority and ICB, when known. */
  localAuthority: string | null;
  icb: string | null;
  today: string;
  /** LTR-1, LTR-2: the named contact and the letter's reference. */
  contact?: LetterContact;
  reference?: string;
}

export interface InvitationLetterData extends ReviewLetterBase {
  invitation: { plannedOn: string; plannedTime: string | null; place: string; invited: string[]; contact: string | null };
}

export interface OutcomeLetterData extends ReviewLetterBase {
  nextDueOn: string | null;
  review: {
    heldOn: string;
    attendees: string[];
    outcome: ReviewOutcome;
    planWorking: PlanWorking | null;
    changes: string | null;
    servicesChanged: { service: string; change: ServiceChange; detail: string | null }[];
  };
}

const FOOTER = 'Section 117 aftercare: your review';

/** Signed for the responsible bodies by name (LTR-1 puts the named contact above them). */
function signedFor(data: ReviewLetterBase): string[] {
  const bodies = [data.localAuthority, data.icb].filter((s): s is string => Boolean(s));
  return bodies.length > 0 ? [bodies.join(' and ')] : data.contact ? [] : ['Your aftercare team'];
}

function heading(data: ReviewLetterBase): Pick<LetterContent, 'from' | 'to' | 'date' | 'salutation' | 'footer' | 'contact' | 'reference'> {
  const p = data.person;
  return {
    from: [data.localAuthority, data.icb].filter((s): s is string => Boolean(s)),
    to: [`${p.givenName} ${p.familyName}`, p.addressLine1, p.postcode].filter((s): s is string => Boolean(s)),
    date: formatDate(data.today),
    salutation: `Dear ${p.givenName} ${p.familyName},`,
    footer: FOOTER,
    ...(data.contact && { contact: data.contact }),
    ...(data.reference && { reference: data.reference }),
  };
}

const FREE: LetterBlock = {
  heading: 'Your aftercare is free',
  paragraphs: [
    'Section 117 aftercare is free. You do not pay for the services in your aftercare plan, and nobody should ask you to. If you are asked to pay, tell your keyworker.',
  ],
};

/** REV-2, REV-3: the invitation to a review. */
export function invitationLetterContent(data: InvitationLetterData): LetterContent {
  const i = data.invitation;
  const when = `${formatDate(i.plannedOn)}${i.plannedTime ? ` at ${i.plannedTime}` : ''}`;
  return {
    title: 'You are invited to your section 117 aftercare review',
    ...heading(data),
    blocks: [
      {
        paragraphs: [
          'Your section 117 aftercare is reviewed regularly to make sure it still meets your needs. We would like to invite you to your next review. It is your meeting, and what you think matters most.',
        ],
      },
      { heading: 'When and where', facts: [{ label: 'Date', value: when }, { label: 'Where or how', value: i.place }] },
      {
        heading: 'Who is invited',
        paragraphs: ['We have invited:'],
        list: i.invited.length > 0 ? i.invited : ['you, your keyworker, and the people from the council and the NHS who are responsible for your aftercare'],
      },
      {
        heading: 'You can bring someone with you',
        paragraphs: [
          'You can bring a carer, a family member, a friend or an advocate to support you. An advocate is someone independent who can help you say what you want. If you would like an advocate, ask your keyworker and they will help you find one.',
        ],
      },
      {
        heading: 'What the review will look at',
        list: [
          'how your aftercare plan is helping you to stay well',
          'what you think is working and what is not',
          'your needs now, and whether any of them have changed',
          'any changes to your services that are needed',
          'whether you still need section 117 aftercare. It only ends if both the council and the NHS decide you no longer need any aftercare, after talking with you',
        ],
      },
      FREE,
      {
        heading: 'If the date does not suit you',
        paragraphs: [
          i.contact
            ? `If you cannot come, or you would like a different date, time or way of meeting, please contact ${i.contact}. We will find another time.`
            : 'If you cannot come, or you would like a different date, time or way of meeting, please contact your keyworker. We will find another time.',
        ],
      },
    ],
    closing: ['Yours sincerely,', ...signedFor(data)],
  };
}

const OUTCOME_TEXT: Record<OutcomeLetterData['review']['outcome'], string> = {
  continue: 'We agreed that your aftercare should carry on as it is.',
  change: 'We agreed to make some changes to your aftercare. Your section 117 aftercare carries on.',
  'propose-ending':
    'We talked about whether you still need section 117 aftercare. Nothing has ended yet. Aftercare only ends if both the council and the NHS decide that you no longer need any aftercare services. They must talk with you first, and write to you with their decision and the reasons for it.',
};

const CHANGE_TEXT: Record<OutcomeLetterData['review']['servicesChanged'][number]['change'], string> = {
  changed: 'changed',
  reduced: 'reduced',
  stopped: 'stopped',
  added: 'added',
};

const PLAN_WORKING: Record<PlanWorking, string> = {
  yes: 'We agreed that your plan is helping you to stay well.',
  partly: 'We agreed that your plan is helping in some ways, but not in others.',
  no: 'We agreed that your plan is not helping you enough at the moment.',
};

/** REV-3, END-7: what was decided at the review. */
export function outcomeLetterContent(data: OutcomeLetterData): LetterContent {
  const r = data.review;
  const blocks: LetterBlock[] = [
    { paragraphs: [`Thank you for taking part in your section 117 aftercare review on ${formatDate(r.heldOn)}. This letter tells you what we decided.`] },
    { heading: 'What we decided', paragraphs: [r.planWorking ? PLAN_WORKING[r.planWorking] : null, OUTCOME_TEXT[r.outcome]].filter((s): s is string => Boolean(s)) },
  ];
  if (r.servicesChanged.length > 0) {
    blocks.push({
      heading: 'Changes to your services',
      list: r.servicesChanged.map((s) => `${s.service}: ${CHANGE_TEXT[s.change]}${s.detail ? `. ${s.detail}` : ''}`),
      paragraphs: ['Changing or stopping a service does not end your section 117 aftercare. It carries on while you still need any aftercare.'],
    });
  } else if (r.changes) {
    blocks.push({ heading: 'Changes we agreed', paragraphs: [r.changes] });
  }
  if (r.attendees.length > 0) blocks.push({ heading: 'Who was there', list: r.attendees });
  blocks.push({
    heading: 'Your next review',
    paragraphs: [
      data.nextDueOn
        ? `Your next review will be by ${formatDate(data.nextDueOn)}. We will write to you before then to invite you.`
        : 'We will write to you about your next review.',
      'You can ask for a review sooner at any time, for example if things change for you. Ask your keyworker, or ask a carer, family member or advocate to ask for you.',
    ],
  });
  blocks.push(FREE);
  blocks.push({
    heading: 'If you are unhappy',
    paragraphs: [
      'If you do not agree with what was decided, please tell your keyworker first. You can also make a complaint to the council or the NHS. If you are still unhappy after that, you can contact the Local Government and Social Care Ombudsman or the Parliamentary and Health Service Ombudsman.',
    ],
  });
  return { title: 'Your section 117 aftercare review: what we decided', ...heading(data), blocks, closing: ['Yours sincerely,', ...signedFor(data)] };
}

export function renderInvitationLetter(data: InvitationLetterData, options: LetterOptions = {}): Promise<Buffer> {
  return renderLetter(invitationLetterContent(data), options);
}

export function renderOutcomeLetter(data: OutcomeLetterData, options: LetterOptions = {}): Promise<Buffer> {
  return renderLetter(outcomeLetterContent(data), options);
}
