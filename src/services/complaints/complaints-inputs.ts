// Input schemas for complaints (CMP-1, CMP-2). Shared by the API (and its OpenAPI document) and the pages.
import { z } from 'zod';
import { COMPLAINT_AGAINST, COMPLAINT_FAULTS, COMPLAINT_ROUTES } from '../../domain/complaints.ts';
import { IsoDateInput } from '../people/people-inputs.ts';

const text = (max: number) => z.string().trim().max(max, `Use ${max} characters or fewer`);
const optionalText = (max: number) => text(max).transform((s) => (s === '' ? null : s)).nullable().optional();

const Faults = z.array(z.enum(COMPLAINT_FAULTS)).max(8);
const LinkedIds = z.array(z.string().uuid('Each linked decision must be a record id')).max(50);

const complaintFields = {
  against: z.enum(COMPLAINT_AGAINST).describe('Which body the complaint is against'),
  route: z.enum(COMPLAINT_ROUTES).describe('The route taken (CMP-1)'),
  receivedOn: IsoDateInput,
  awareOn: IsoDateInput.nullable().optional().describe('When the person knew of the problem; the Ombudsman’s 12 months start here. Default: receivedOn'),
  subject: text(2000).min(1, 'Enter what the complaint is about'),
  linkedDecisionIds: LinkedIds.optional().default([]).describe('Ids of the decisions it is about (ending proposals, reviews, services...)'),
  faults: Faults.optional().default([]).describe('CMP-2: the common faults the complaint shows'),
  outcome: optionalText(5000),
  outcomeOn: IsoDateInput.nullable().optional(),
  learning: optionalText(5000),
};

export const ComplaintInput = z.object(complaintFields);
export const ComplaintUpdateInput = z.object({
  against: complaintFields.against.optional(),
  route: complaintFields.route.optional(),
  receivedOn: IsoDateInput.optional(),
  awareOn: complaintFields.awareOn,
  subject: complaintFields.subject.optional(),
  linkedDecisionIds: LinkedIds.optional(),
  faults: Faults.optional(),
  outcome: complaintFields.outcome,
  outcomeOn: complaintFields.outcomeOn,
  learning: complaintFields.learning,
});
