// CHG-3: the written top-up agreement for preferred accommodation (Care and Support and After-care
// (Choice of Accommodation) Regulations 2014, regs 4 and 5(2)-(4)), to be signed by the payer. It
// covers every term the regulations ask for: the additional cost, the amount the local authority pays,
// how often and to whom the top-up is paid, the review, and what happens if the payments stop, the
// provider's price rises or the payer's means change; and it says plainly that the section 117
// aftercare itself stays free (CHG-1): the top-up is the only payment, for the extra cost of a place
// the person chose. Plain English, tagged and accessible (document.ts).
import { formatDate, type IsoDate } from '../domain/dates.ts';
import { formatPence } from '../domain/funding.ts';
import { formatNhsNumber } from '../domain/nhs-number.ts';
import type { TopUpPayer, TopUpStatus, TopUpTerms } from '../domain/top-ups.ts';
import type { LetterContact } from '../domain/letters.ts';
import { renderLetter, type LetterContent, type LetterOptions } from './document.ts';

export interface TopUpAgreementInput {
  person: { givenName: string; familyName: string; dateOfBirth: IsoDate | null; nhsNumber: string | null };
  /** The local authority arranging the accommodation. */
  localAuthority: string;
  service: { description: string; provider: string; accommodationType: string | null };
  preferredAccommodation: string;
  terms: TopUpTerms;
  payer: TopUpPayer | null;
  status: TopUpStatus;
  signedOn: IsoDate | null;
  refusedOn: IsoDate | null;
  refusalReasons: string | null;
  /** The date the document is printed. */
  date: IsoDate;
  /** The local authority's ONS code, printed beside its name in the sender line. */
  localAuthorityCode?: string | null;
  /** LTR-1, LTR-2: the named contact and the letter's reference. */
  contact?: LetterContact;
  reference?: string;
}

const NOT_AGREED = 'Not yet agreed';
const FREQUENCY: Record<string, string> = { weekly: 'Every week', 'four-weekly': 'Every four weeks', monthly: 'Every month', quarterly: 'Every three months' };
const ACCOMMODATION: Record<string, string> = { 'care-home': 'Care home', 'shared-lives': 'Shared lives', 'supported-living': 'Supported living' };
const SIGNATURE = '________________________________';
const DATE_LINE = '____ / ____ / ________';

const money = (pence: number | null) => (pence === null ? NOT_AGREED : `${formatPence(pence)} a week`);

export function topUpAgreementContent(input: TopUpAgreementInput): LetterContent {
  const name = `${input.person.givenName} ${input.person.familyName}`;
  const t = input.terms;
  const la = input.localAuthority;
  const payerText = !input.payer ? NOT_AGREED : input.payer.kind === 'person' ? `${name} (the person themselves)` : `Someone else for ${name}${input.payer.relationship ? ` (${input.payer.relationship})` : ''}`;
  const payeeText = t.payee === 'provider' ? `The provider, ${input.service.provider}` : t.payee === 'local-authority' ? la : NOT_AGREED;
  const thirdParty = input.payer?.kind === 'third-party';
  return {
    title: 'Agreement to pay a top-up for preferred accommodation',
    from: [input.localAuthorityCode ? `${la} (${input.localAuthorityCode})` : la],
    date: formatDate(input.date),
    blocks: [
      ...(input.status === 'draft'
        ? [{ heading: 'This is a draft', paragraphs: ['This agreement has not been signed yet. Check every term below before anyone signs it.'] }]
        : input.status === 'refused'
          ? [{ heading: 'The preference was refused', paragraphs: [`${la} refused this preference on ${formatDate(input.refusedOn!)}. The reasons: ${input.refusalReasons ?? ''}`] }]
          : [{ heading: 'Signed', paragraphs: [`This agreement was signed on ${formatDate(input.signedOn!)}.`] }]),
      {
        heading: 'Who this agreement is for',
        facts: [
          { label: 'Name', value: name },
          ...(input.person.dateOfBirth ? [{ label: 'Date of birth', value: formatDate(input.person.dateOfBirth) }] : []),
          ...(input.person.nhsNumber ? [{ label: 'NHS number', value: formatNhsNumber(input.person.nhsNumber) }] : []),
        ],
      },
      {
        heading: 'The accommodation',
        facts: [
          { label: 'The service', value: `${input.service.description}, provided by ${input.service.provider}` },
          ...(input.service.accommodationType ? [{ label: 'Type of accommodation', value: ACCOMMODATION[input.service.accommodationType] ?? input.service.accommodationType }] : []),
          { label: 'The place chosen', value: input.preferredAccommodation },
        ],
      },
      {
        heading: 'Your section 117 aftercare stays free',
        paragraphs: [
          `${name} has a right to section 117 aftercare under the Mental Health Act. Section 117 aftercare is free. Nobody can be charged for it, whatever their income or savings, and that includes this accommodation.`,
          `${la} pays what it would usually pay for this kind of accommodation. The place chosen costs more. The top-up is only the extra cost of the place chosen, above what ${la} would usually pay. It is the only payment anyone can make towards section 117 accommodation, and nobody has to pay it: if nobody pays a top-up, ${la} will still arrange suitable accommodation at its usual cost.`,
          'Under section 117 the person can pay their own top-up straight away. There is no 12-week wait and no deferred payment agreement, as there can be under the Care Act.',
        ],
      },
      {
        heading: 'The top-up and who pays it',
        facts: [
          { label: 'The additional cost (the top-up)', value: money(t.additionalCostPencePerWeek) },
          { label: `The amount ${la} pays`, value: money(t.localAuthorityPaysPencePerWeek) },
          { label: 'How often the top-up is paid', value: t.paymentFrequency ? (FREQUENCY[t.paymentFrequency] ?? t.paymentFrequency) : NOT_AGREED },
          { label: 'The top-up is paid to', value: payeeText },
          { label: 'Who pays the top-up', value: payerText },
        ],
        paragraphs: ['The person paying must be willing and able to pay the top-up for as long as the person is likely to live there. A lower top-up can be agreed.'],
      },
      { heading: 'Reviewing this agreement', paragraphs: [t.reviewProvision ?? NOT_AGREED, `The payer, the person or ${la} can ask for the agreement to be reviewed at any time.`] },
      { heading: 'If the payments stop', paragraphs: [t.consequencesOfStoppingPayment ?? NOT_AGREED] },
      { heading: 'If the provider’s price goes up', paragraphs: [t.consequencesOfPriceRise ?? NOT_AGREED] },
      { heading: 'If the payer’s means change', paragraphs: [t.consequencesOfMeansChange ?? NOT_AGREED] },
      {
        heading: 'Ending this agreement',
        paragraphs: [
          `The payer can ask to end this agreement at any time by telling ${la}. The agreement also ends if the person moves out of the place chosen, or their section 117 aftercare ends.`,
          `Ending the top-up does not end the person’s section 117 aftercare. If nobody can pay the top-up any more, ${la} will talk to the person about their accommodation and still arrange suitable accommodation at its usual cost. The person will not be charged for their aftercare.`,
        ],
      },
      {
        heading: 'Signatures',
        paragraphs: [`By signing, the payer agrees to pay the top-up set out above on these terms. ${name} and ${la} sign to show they agree too.`],
        facts: [
          { label: `Signed by ${name}`, value: SIGNATURE },
          { label: 'Date', value: DATE_LINE },
          ...(thirdParty
            ? [
                { label: 'Signed by the payer', value: SIGNATURE },
                { label: 'The payer’s name', value: SIGNATURE },
                { label: 'Date', value: DATE_LINE },
              ]
            : []),
          { label: `Signed for ${la}`, value: SIGNATURE },
          { label: 'Date', value: DATE_LINE },
        ],
      },
      {
        heading: 'If you are not happy',
        list: [
          `Contact ${la} and ask to make a complaint. It is free.`,
          'If you are still not happy, you can go to the Local Government and Social Care Ombudsman. It is free.',
          'An advocate can help you. Ask your keyworker, or contact your local advocacy service.',
        ],
      },
    ],
    footer: 'Section 117 aftercare: top-up agreement',
    ...(input.contact && { contact: input.contact }),
    ...(input.reference && { reference: input.reference }),
  };
}

export function renderTopUpAgreement(input: TopUpAgreementInput, options: LetterOptions = {}): Promise<Buffer> {
  return renderLetter(topUpAgreementContent(input), options);
}
