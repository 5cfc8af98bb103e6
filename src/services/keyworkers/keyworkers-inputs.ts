// Input of a keyworker allocation (PLAN-3), shared by the API (and its OpenAPI document) and the web form.
import { z } from 'zod';
import { optionalText } from '../people/people-inputs.ts';
import { Uuid } from '../planning/planning-inputs.ts';

export const KeyworkerInput = z.object({
  userId: Uuid('Choose a user of the register as the keyworker'),
  jobTitle: optionalText(200),
  team: optionalText(200),
  phone: z
    .string()
    .trim()
    .regex(/^$|^[0-9 +()-]{6,30}$/, 'Enter a phone number, like 01632 960 001 or +44 1632 960 001')
    .transform((s) => (s === '' ? null : s))
    .nullable()
    .optional(),
  email: z
    .string()
    .trim()
    .max(254)
    .regex(/^$|^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'Enter an email address in the correct format, like name@example.nhs.uk')
    .transform((s) => (s === '' ? null : s.toLowerCase()))
    .nullable()
    .optional(),
});
