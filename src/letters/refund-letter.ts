// CHG-2: the letter explaining a refund of charges for section 117 aftercare, which the Ombudsmen
// ask for: why the person is getting money back, what is refunded for which periods, the interest,
// the total, how it will be paid, an apology and how to complain. Plain English, second person.
import { formatDate, type IsoDate } from '../domain/dates.ts';
import { formatPence } from '../domain/funding.ts';
import type { RefundLine } from '../domain/refunds.ts';
import type { LetterContact } from '../domain/letters.ts';
import { renderLetter, type LetterContent } from './document.ts';

export interface RefundLetterInput {
  person: { givenName: string; familyName: string; addressLine1: string | null; postcode: string | null };
  /** The responsible bodies by name, with their codes for the sender lines. */
  from: { name: string; code?: string }[];
  lines: RefundLine[];
  interestBasisPoints: number;
  calculatedOn: IsoDate;
  totalPrincipalPence: number;
  totalInterestPence: number;
  status: 'calculated' | 'approved' | 'paid';
  paymentMethod: string | null;
  date: IsoDate;
  /** LTR-1, LTR-2: the named contact and the letter's reference. */
  contact?: LetterContact;
  reference?: string;
}

function percent(basisPoints: number): string {
  return `${(basisPoints / 100).toLocaleString('en-GB', { maximumFractionDigits: 2 })}%`;
}

export function refundLetterContent(input: RefundLetterInput): LetterContent {
  const name = `${input.person.givenName} ${input.person.familyName}`;
  const total = input.totalPrincipalPence + input.totalInterestPence;
  const senders = input.from.map((f) => f.name);
  const we = senders.join(' and ');
  return {
    title: 'We are paying back money you should not have been charged',
    from: input.from.map((f) => (f.code ? `${f.name} (${f.code})` : f.name)),
    to: [name, ...(input.person.addressLine1 ? [input.person.addressLine1] : []), ...(input.person.postcode ? [input.person.postcode] : [])],
    date: formatDate(input.date),
    salutation: `Dear ${name},`,
    blocks: [
      ...(input.status === 'calculated'
        ? [{ heading: 'This is a draft', paragraphs: ['This letter is a draft. The refund has been worked out but not yet approved.'] }]
        : []),
      {
        heading: 'Why you are getting money back',
        paragraphs: [
          'You have a right to section 117 aftercare because you were kept in hospital under the Mental Health Act. Section 117 aftercare is free. Nobody can charge you for it, whatever your income or savings.',
          'You were charged for care that was section 117 aftercare. You should not have been charged. We are paying the money back to you, with interest.',
        ],
      },
      {
        heading: 'What we are paying back',
        paragraphs: ['These are the charges we are paying back, for the time when your care should have been free:'],
        list: input.lines.map(
          (l) => `${l.description}: ${formatDate(l.periodFrom)} to ${formatDate(l.periodTo)}, ${formatPence(l.principalPence)} (you paid on ${formatDate(l.paidOn)}), plus interest of ${formatPence(l.interestPence)}`,
        ),
      },
      {
        heading: 'Interest',
        paragraphs: [
          `We have added interest because you did not have this money when you should have. The interest is ${percent(input.interestBasisPoints)} a year, from the day you paid each charge until ${formatDate(input.calculatedOn)}.`,
        ],
        facts: [
          { label: 'Charges paid back', value: formatPence(input.totalPrincipalPence) },
          { label: 'Interest', value: formatPence(input.totalInterestPence) },
          { label: 'Total we will pay you', value: formatPence(total) },
        ],
      },
      {
        heading: 'How you will be paid',
        paragraphs: [
          input.paymentMethod
            ? `We will pay you by ${input.paymentMethod}.`
            : 'We will pay the money into your bank account. If you would rather be paid another way, or someone manages your money for you, please tell us.',
          'This money does not affect your right to section 117 aftercare. You will not be charged for your section 117 aftercare in future.',
        ],
      },
      {
        heading: 'We are sorry',
        paragraphs: [`We are sorry that you were charged for care that should have been free, and for any worry or difficulty this caused you. We have checked our records so that it does not happen again.`],
      },
      {
        heading: 'If you are not happy',
        paragraphs: ['If you think we have not paid back everything you are owed, or you are not happy with how we have dealt with this, you can complain:'],
        list: [
          `Contact ${we} and ask to make a complaint. We will look into it and reply to you.`,
          'If you are still not happy, you can go to the Local Government and Social Care Ombudsman (about the council) or the Parliamentary and Health Service Ombudsman (about the NHS). It is free. You should normally contact the Ombudsman within 12 months of when you first knew about the problem.',
          'An advocate can help you. Ask your keyworker, or contact your local advocacy service. It is free.',
        ],
      },
    ],
    closing: ['Yours sincerely,', we],
    footer: 'Section 117 aftercare: paying back charges',
    ...(input.contact && { contact: input.contact }),
    ...(input.reference && { reference: input.reference }),
  };
}

export function renderRefundLetter(input: RefundLetterInput, options: { largePrint?: boolean } = {}): Promise<Buffer> {
  return renderLetter(refundLetterContent(input), options);
}
