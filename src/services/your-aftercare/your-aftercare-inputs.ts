// What the person may send from their own pages. Short, plain error messages: they are read by the
// person, not by staff.
import { z } from 'zod';

const words = (max: number, empty: string) => z.string({ error: empty }).trim().min(1, empty).max(max, `Use ${max} letters or fewer`);
const optionalWords = (max: number) => z.string().trim().max(max, `Use ${max} letters or fewer`).optional().transform((s) => (s ? s : null));

export const ReviewAskInput = z.object({ reason: optionalWords(2000) });

export const WhoInput = z.enum(['council', 'nhs', 'both'], { error: 'Choose who it is about, or choose not sure' });

export const ComplaintAskInput = z.object({
  subject: words(2000, 'Tell us what is wrong'),
  about: WhoInput.optional().default('both'),
});

export const AdvocateAskInput = z.object({
  kind: z.enum(['imha', 'care-act'], { error: 'Choose the kind of advocate you want' }),
});

export const ShareInput = z.object({
  name: words(200, 'Write the name of the person'),
  relationship: optionalWords(200),
});

export const WithdrawInput = z.object({
  name: words(200, 'Choose who to stop sharing with'),
});
