// Input schemas of moving in, shared by the API (and its OpenAPI document), the pages and the command line.
import { z } from 'zod';
import { IMPORT_KINDS } from '../../domain/import-mapping.ts';

const MappingJson = z
  .string()
  .max(64 * 1024)
  .transform((text, ctx) => {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && Object.values(parsed).every((v) => typeof v === 'string')) {
        return Object.fromEntries(Object.entries(parsed as Record<string, string>).filter(([, v]) => v.trim() !== ''));
      }
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: 'The mapping must be a JSON object of field: "header", for example {"nhsNumber": "NHS No."}' });
    return z.NEVER;
  });

/** The fields sent with the file of POST /imports. */
export const ImportUploadFields = z.object({
  mode: z.enum(['dry-run', 'commit'], { message: 'mode must be dry-run or commit' }),
  kind: z.enum(IMPORT_KINDS, { message: 'kind must be register or detentions' }).default('register'),
  mapping: MappingJson.optional(),
});
export type ImportUpload = z.output<typeof ImportUploadFields>;

/** The list of imports: all, or dry runs or commits only. */
export const ImportListQuery = z.object({ mode: z.enum(['dry-run', 'commit'], { message: 'mode must be dry-run or commit' }).optional() });

export const MappingSaveInput = z.object({
  kind: z.enum(IMPORT_KINDS, { message: 'kind must be register or detentions' }),
  name: z.string().trim().min(1, 'Give the mapping a name').max(100),
  mapping: z.record(z.string(), z.string().max(200)),
});
