// The decision letter to the person when their section 117 aftercare ends (END-4 step 4), from both
// responsible bodies; with MHA25-2 on, the joint written notice. Plain English, second person.
import { formatDate, type IsoDate } from '../domain/dates.ts';
import { OMBUDSMAN_MONTHS } from '../domain/complaints.ts';
import { LAWFUL_REASON, reasonText } from '../domain/ending.ts';
import type { LetterContact } from '../domain/letters.ts';
import { renderLetter, type LetterBlock, type LetterContent } from './document.ts';

export interface EndingLetterInput {
  person: { givenName: string; familyName: string; addressLine1: string | null; postcode: string | null };
  localAuthority: { code: string; name: string };
  icb: { code: string; name: string };
  proposal: {
    reasonCode: string;
    reasons: string;
    reassessedOn: IsoDate;
    personInvolved: boolean;
    personNotInvolvedReason: string | null;
    involved: string[];
    continuingOutsideS117: string | null;
    status: 'pending' | 'approved' | 'withdrawn' | 'refused' | 'sent-back';
    endedOn: IsoDate | null;
    noticeSentOn: IsoDate | null;
  };
  approvals: { side: 'local-authority' | 'icb'; approvedOn: IsoDate }[];
  /** MHA25-2: the joint written notice the MHA 2025 requires (behind a setting). */
  jointNotice: boolean;
  /** The date of the letter. */
  date: IsoDate;
  /** LTR-1, LTR-2: the named contact and the letter's reference. */
  contact?: LetterContact;
  reference?: string;
}

export function endingLetterContent(input: EndingLetterInput): LetterContent {
  const { person, proposal, localAuthority, icb } = input;
  const decided = proposal.status === 'approved';
  const laOn = input.approvals.find((a) => a.side === 'local-authority')?.approvedOn;
  const icbOn = input.approvals.find((a) => a.side === 'icb')?.approvedOn;
  const endDate = proposal.endedOn ? formatDate(proposal.endedOn) : null;
  const title = input.jointNotice
    ? 'Joint written notice: your section 117 aftercare is ending'
    : 'Your section 117 aftercare is ending';

  const blocks: LetterBlock[] = [];
  if (!decided) {
    blocks.push({
      heading: 'This is a draft',
      paragraphs: [
        'This letter is a draft. Your aftercare has not ended. It can end only when your local council and your NHS Integrated Care Board (ICB) have both agreed.',
      ],
    });
  }
  blocks.push({
    heading: 'What we have decided',
    paragraphs: [
      `${localAuthority.name} and ${icb.name} have decided together that you no longer need section 117 aftercare services.`
        + (endDate ? ` Your section 117 aftercare ${decided ? 'ended' : 'will end'} on ${endDate}.` : ''),
      ...(input.jointNotice ? ['This letter is the joint written notice from both organisations that the Mental Health Act 2025 requires before your aftercare can end.'] : []),
      'Section 117 aftercare is the free help you have had since you left hospital. It meets needs that come from your mental health. It helps you stay well.',
    ],
    facts: [
      ...(laOn ? [{ label: `${localAuthority.name} agreed on`, value: formatDate(laOn) }] : []),
      ...(icbOn ? [{ label: `${icb.name} agreed on`, value: formatDate(icbOn) }] : []),
    ],
  });
  blocks.push({
    heading: 'Why we made this decision',
    paragraphs: [
      proposal.reasonCode === LAWFUL_REASON ? 'We looked at your needs again with you. We both think you no longer need section 117 aftercare services.' : `${reasonText(proposal.reasonCode).label}.`,
      proposal.reasons,
      'We did not end it just because time has passed. We did not end it because you left a team, moved, or said no to a service. We did not end it to save money. The law does not allow those reasons.',
    ],
  });
  blocks.push({
    heading: 'How we reached it',
    paragraphs: [
      `We looked again at your needs on ${formatDate(proposal.reassessedOn)}. We thought about how you will manage without these services.`,
      proposal.personInvolved
        ? 'You were involved in this decision.'
        : `You were not involved in this decision. The reason recorded is: ${proposal.personNotInvolvedReason ?? 'none given'}. If you want to tell us what you think, please contact us.`,
    ],
    ...(proposal.involved.length > 0 && { list: proposal.involved.map((who) => `${who} was involved`) }),
  });
  blocks.push({
    heading: 'What happens to your services',
    paragraphs: proposal.continuingOutsideS117
      ? [
        `These services will carry on, but not as section 117 aftercare: ${proposal.continuingOutsideS117}`,
        'Because they are no longer section 117 aftercare, you may be asked to pay towards them. Social care may be charged for under the Care Act 2014 after a financial assessment. NHS services follow the usual NHS rules.',
      ]
      : [
        'Your section 117 services will stop. If any help carries on, it will not be section 117 aftercare. You may be asked to pay towards it. The Care Act 2014 or the usual NHS rules will apply.',
      ],
  });
  blocks.push({
    heading: 'If you do not agree',
    paragraphs: [
      'You can ask us to look at this decision again. You can also complain. Here is how:',
    ],
    list: [
      'Talk to your keyworker or care co-ordinator. They may be able to sort things out quickly.',
      'For NHS services, contact the Patient Advice and Liaison Service (PALS) at your NHS trust. They can help sort things out.',
      `Make a formal complaint to ${localAuthority.name}, to ${icb.name}, or to both. You can make one complaint about both and get one joint answer.`,
      `If you are not happy with the answer, you can go to an Ombudsman. For the council, it is the Local Government and Social Care Ombudsman. For the NHS, it is the Parliamentary and Health Service Ombudsman. They work together on care and health. Try to contact them within ${OMBUDSMAN_MONTHS} months of when you first knew about the problem.`,
      'You can also get legal advice. A solicitor may be able to challenge the decision in court (judicial review).',
    ],
  });
  blocks.push({
    heading: 'Getting help from an advocate',
    paragraphs: [
      'An advocate is someone on your side. They help you say what you want. They help you know your rights. They do not work for the council or the NHS. Ask your keyworker or your local advocacy service to help you find one. It is free.',
    ],
  });
  blocks.push({
    heading: 'If your mental health gets worse',
    paragraphs: [
      'If your mental health gets worse and you need help again, tell your GP, your keyworker or your mental health team straight away.',
      'You can ask for your section 117 aftercare to be put back in place. The council and the ICB will look at your needs again. They can decide together to start it again.',
      'You may go into hospital again under section 3, or another section that gives the right to aftercare. If so, you will have the right to section 117 aftercare again when you leave.',
    ],
  });

  const name = `${person.givenName} ${person.familyName}`;
  return {
    title,
    from: [localAuthority, icb].map((b) => (b.code ? `${b.name} (${b.code})` : b.name)),
    to: [name, ...(person.addressLine1 ? [person.addressLine1] : []), ...(person.postcode ? [person.postcode] : [])],
    date: formatDate(input.date),
    salutation: `Dear ${name},`,
    blocks,
    closing: ['Yours sincerely,', `${localAuthority.name} and ${icb.name}`],
    footer: 'Section 117 aftercare: the decision to end it',
    ...(input.contact && { contact: input.contact }),
    ...(input.reference && { reference: input.reference }),
  };
}

export function renderEndingLetter(input: EndingLetterInput, options: { largePrint?: boolean } = {}): Promise<Buffer> {
  return renderLetter(endingLetterContent(input), options);
}
