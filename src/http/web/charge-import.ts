// Charges from the finance system's CSV (CHG-1, CHG-2), from the finance area (issue 15, "every
// feature has its page": the API's POST /finance/charges/import had none). Upload the file; all or
// nothing: a file with a bad line saves nothing and the page lists each line's problem. The person is
// named in the file by NHS number or register id, and a person not there and one the user may not
// see get the same answer (issue 15 probe 9), as in the API.
import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can } from '../../domain/access.ts';
import type { Services } from '../../services/index.ts';
import { ForbiddenError, ValidationError } from '../../services/kernel/errors.ts';
import { BadRequestError } from '../../services/kernel/validation.ts';
import { requireSignIn } from '../auth/index.ts';
import { signedIn } from './request.ts';

/** The API takes at most 5,000,000 characters of CSV (ChargeImportInput): the same here. */
const MAX_CHARGE_FILE_BYTES = 5_000_000;
interface UploadedFile { fileName: string; content: Buffer }

export async function registerChargeImportPages(web: FastifyInstance, services: Services): Promise<void> {
  await web.register(async (scope) => {
    // Multipart: the fields (the CSRF token included) become the body before the CSRF check.
    await scope.register(multipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: MAX_CHARGE_FILE_BYTES, files: 1, fields: 5 },
      async onFile(part: MultipartFile) {
        (part as unknown as { value: UploadedFile }).value = { fileName: part.filename.replace(/^.*[\\/]/, '').slice(0, 200) || 'upload', content: await part.toBuffer() };
      },
    });
    const page = { schema: { hide: true }, preHandler: requireSignIn };
    const form = { ...page, preValidation: scope.csrfProtection };
    const mayImport = (request: FastifyRequest) => {
      if (!can(signedIn(request).role, 'refunds:manage')) throw new ForbiddenError('Only finance staff and admins import charges');
    };
    const context = { title: 'Import charges from the finance system', back: { href: '/finance' } };

    scope.get('/finance/charges/import', page, async (request, reply) => {
      mayImport(request);
      const imported = Number((request.query as Record<string, string> | undefined)?.imported);
      return reply.render('pages/charge-import.njk', { ...context, values: {}, imported: Number.isInteger(imported) && imported >= 0 ? imported : null });
    });

    scope.post('/finance/charges/import', { ...form, bodyLimit: MAX_CHARGE_FILE_BYTES + 1024 * 1024 }, async (request, reply) => {
      mayImport(request);
      const body = (request.body ?? {}) as Record<string, string | UploadedFile | undefined>;
      const file = typeof body['file'] === 'object' ? body['file'] : undefined;
      const reference = typeof body['reference'] === 'string' && body['reference'].trim() !== '' ? body['reference'].trim().slice(0, 200) : undefined;
      const again = (errors: { field: string; message: string }[], lines: { line: number; field: string; message: string }[] = []) =>
        reply.status(422).render('pages/charge-import.njk', { ...context, values: { reference: reference ?? '' }, errors, lines, imported: null });
      if (!file || file.content.byteLength === 0) return again([{ field: 'file', message: 'Select the CSV file from the finance system' }]);
      try {
        const result = await services.refunds.importCharges(signedIn(request), file.content.toString('utf8'), { ...(reference && { reference }) });
        if (result.errors.length > 0) {
          return again([{ field: 'file', message: `Nothing was imported: ${result.errors.length === 1 ? 'one line has a problem' : `${result.errors.length} problems were found`}. Correct the file and import it again` }], result.errors);
        }
        return reply.redirect(`/finance/charges/import?imported=${result.imported}`, 303);
      } catch (error) {
        if (error instanceof ValidationError || error instanceof BadRequestError) return again(error.errors.map((e) => ({ field: 'file', message: e.message })));
        throw error;
      }
    });
  });
}
