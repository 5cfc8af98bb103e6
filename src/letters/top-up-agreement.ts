// CHG-3: the written top-up agreement for preferred accommodation, to be signed by the payer, the
// person and the local authority. Its terms follow the Care and Support and After-care (Choice of
// Accommodation) Regulations 2014 (SI 2014/2670), which apply to section 117 aftercare through section
// 117A of the Mental Health Act 1983 and their regulation 4, as summarised in CHG-3 of
// docs/domain-rules.md (sources S2 s117A, S5 regs 4, 5(2)-(4) and 9; no seed leaflet covers top-ups):
// - the conditions for arranging the place chosen (CHG-3: same type as decided, suitable, available,
//   the provider accepts the local authority's terms);
// - that the payer is willing and able to pay for as long as the local authority expects to arrange
//   the place, and is given the information and advice to understand the agreement before signing;
// - the terms the written agreement must include: the additional cost, the amount the local authority
//   pays (what it would usually expect to pay for this type of accommodation), how often payments are
//   made, to whom, provision for review, and the consequences of ceasing to pay, of the provider's
//   price rises and of changes in the payer's financial circumstances;
// - that the person may pay their own top-up under section 117 without the Care Act's 12-week
//   property disregard or deferred payment conditions (reg 4(3), compared with reg 5(5));
// - that a refusal is given with written reasons (reg 9);
// and it says plainly that section 117 aftercare itself stays free (CHG-1): the top-up is the only
// payment, for the extra cost of a place the person chose. Where a term is for the parties to agree
// (the review, each consequence), the agreement prints what they agreed, never words of our own.
// Plain English, tagged and accessible (document.ts).
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
      // CHG-3's conditions: met once signed (signingViolations), still to be met in a draft; a refusal gives its reasons instead.
      ...(input.status === 'refused'
        ? []
        : [{
            heading: 'Why this place can be arranged',
            paragraphs: [
              input.status === 'signed'
                ? `${name} chose this place. ${la} can arrange it because ${name} is 18 or over, it is the type of accommodation ${la} decided they need, it is suitable for their needs, it is available, and the provider has agreed to ${la}’s terms.`
                : `${name} chose this place. ${la} can arrange it only if ${name} is 18 or over, it is the type of accommodation ${la} decided they need, it is suitable for their needs, it is available, and the provider agrees to ${la}’s terms.`,
            ],
          }]),
      {
        heading: 'Section 117 aftercare stays free',
        paragraphs: [
          `${name} has a right to section 117 aftercare under the Mental Health Act. Section 117 aftercare is free. Nobody can be charged for it, whatever their income or savings, and that includes this accommodation.`,
          `The place chosen costs more than ${la} would usually expect to pay for this type of accommodation. The top-up is only that extra cost. It is the only payment anyone can make towards section 117 accommodation, and nobody has to pay it: without a top-up, ${la} still arranges accommodation that meets ${name}’s needs, at its usual cost.`,
          `${name} may pay their own top-up. Under the Care Act a person can pay their own top-up only in some cases (in the first 12 weeks in a care home, or with a deferred payment agreement). Those conditions do not apply to section 117 aftercare.`,
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
        paragraphs: [
          `The amount ${la} pays is what it would usually expect to pay for this type of accommodation for ${name}’s needs.`,
          `The payer must be willing and able to pay the top-up for as long as ${la} expects to arrange this place for ${name}. A lower top-up can be agreed.`,
          `Before signing, ${la} must give the payer the information and advice they need to understand this agreement. Ask ${la} about anything that is not clear.`,
        ],
      },
      { heading: 'Reviewing this agreement', paragraphs: [t.reviewProvision ?? NOT_AGREED] },
      { heading: 'If the payer stops paying', paragraphs: [t.consequencesOfStoppingPayment ?? NOT_AGREED] },
      { heading: 'If the provider puts its price up', paragraphs: [t.consequencesOfPriceRise ?? NOT_AGREED] },
      { heading: 'If the payer’s money situation changes', paragraphs: [t.consequencesOfMeansChange ?? NOT_AGREED] },
      {
        heading: 'If the top-up stops',
        paragraphs: [
          `Stopping the top-up does not end ${name}’s section 117 aftercare, and they will not be charged for their aftercare. ${la} still has to meet their needs for accommodation at its usual cost.`,
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
