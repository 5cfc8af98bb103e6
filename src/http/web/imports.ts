// Moving in (issue 10): the pages to import a spreadsheet register or a detentions extract: upload →
// confirm or change the column mapping (saved mappings can be applied and saved) → the report, shown
// while the dry run works (kept up to date in place with JavaScript; without it the page refreshes
// itself until the person stops it, WCAG 2.2.1) → commit the valid rows, which can be cancelled. The job's state is in the database, so leaving the page stops nothing.
import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IMPORT_KINDS, type ImportKind } from '../../domain/import-mapping.ts';
import type { Services } from '../../services/index.ts';
import { MAX_IMPORT_BYTES } from '../../services/imports/imports-file.ts';
import { ValidationError } from '../../services/kernel/errors.ts';
import { BadRequestError } from '../../services/kernel/validation.ts';
import { requireSignIn } from '../auth/index.ts';
import { sendImportReport } from '../imports-upload.ts';
import { DISAGREEMENT_LABELS, IMPORT_KIND_LABELS, IMPORT_MODE_LABELS, IMPORT_STATUS_LABELS } from './labels.ts';
import { signedIn } from './request.ts';

interface UploadedFile { fileName: string; content: Buffer }
type UploadBody = Record<string, string | UploadedFile | undefined>;

const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;
const bodyOf = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;

export async function registerImportPages(web: FastifyInstance, services: Services): Promise<void> {
  await web.register(async (scope) => {
    // The upload form is multipart: its fields (the CSRF token included) become the body before the
    // CSRF check, and the file a {fileName, content} value.
    await scope.register(multipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 10 },
      async onFile(part: MultipartFile) {
        (part as unknown as { value: UploadedFile }).value = { fileName: part.filename.replace(/^.*[\\/]/, '').slice(0, 200) || 'upload', content: await part.toBuffer() };
      },
    });
    const page = { schema: { hide: true }, preHandler: requireSignIn };
    const form = { ...page, preValidation: scope.csrfProtection };
    const kindItems = (value?: string) => IMPORT_KINDS.map((k) => ({ value: k, text: IMPORT_KIND_LABELS[k], checked: k === value }));

    scope.get('/imports', page, async (request, reply) => {
      const items = await services.imports.list(signedIn(request));
      return reply.render('pages/imports.njk', {
        title: 'Moving in: imports', width: 'full',
        items: items.map((i) => ({ ...i, kindLabel: IMPORT_KIND_LABELS[i.kind], modeLabel: IMPORT_MODE_LABELS[i.mode], statusLabel: IMPORT_STATUS_LABELS[i.status] })),
      });
    });

    scope.get('/imports/new', page, async (request, reply) => {
      signedIn(request);
      return reply.render('pages/import-new.njk', { title: 'Import a file', back: { href: '/imports' }, kindItems: kindItems('register'), values: {} });
    });

    scope.post('/imports/new', { ...form, bodyLimit: MAX_IMPORT_BYTES + 1024 * 1024 }, async (request, reply) => {
      const body = bodyOf(request) as UploadBody;
      const kind = typeof body['kind'] === 'string' && (IMPORT_KINDS as readonly string[]).includes(body['kind']) ? (body['kind'] as ImportKind) : null;
      const file = typeof body['file'] === 'object' ? body['file'] : undefined;
      const errors = [
        ...(kind ? [] : [{ field: 'kind', message: 'Select what the file holds' }]),
        ...(file && file.content.byteLength > 0 ? [] : [{ field: 'file', message: 'Select the spreadsheet to import' }]),
      ];
      const again = (errs: { field: string; message: string }[]) =>
        reply.status(422).render('pages/import-new.njk', { title: 'Import a file', back: { href: '/imports' }, kindItems: kindItems(kind ?? undefined), values: {}, errors: errs });
      if (errors.length > 0 || !kind || !file) return again(errors);
      try {
        const id = await services.imports.upload(signedIn(request), { kind, fileName: file.fileName, content: file.content });
        return reply.redirect(`/imports/${id}/mapping`, 303);
      } catch (error) {
        if (error instanceof BadRequestError || error instanceof ValidationError) return again(error.errors.map((e) => ({ field: 'file', message: e.message })));
        throw error;
      }
    });

    const mappingPage = async (request: FastifyRequest, reply: FastifyReply, overrides: { mapping?: Record<string, string>; errors?: { field: string; message: string }[]; saveAs?: string } = {}) => {
      const m = await services.imports.mappingPage(signedIn(request), idOf(request));
      const mapping = overrides.mapping ?? m.mapping;
      const fields = m.fields.map((f) => ({
        ...f,
        items: [{ value: '', text: f.required ? 'Choose a column' : 'Not in this file' }, ...m.headers.map((h) => ({ value: h, text: h, selected: mapping[f.key] === h }))],
      }));
      return reply.status(overrides.errors ? 422 : 200).render('pages/import-mapping.njk', {
        title: 'Check the columns', width: 'full', back: { href: '/imports' }, job: m, fields, saved: m.saved, saveAs: overrides.saveAs ?? '', errors: overrides.errors,
        kindLabel: IMPORT_KIND_LABELS[m.kind],
      });
    };

    scope.get('/imports/:id/mapping', page, async (request, reply) => mappingPage(request, reply));

    scope.post('/imports/:id/mapping', form, async (request, reply) => {
      const body = bodyOf(request);
      const m = await services.imports.mappingPage(signedIn(request), idOf(request));
      if (typeof body['apply'] === 'string') {
        const saved = m.saved.find((s) => s.id === body['apply']);
        return mappingPage(request, reply, saved ? { mapping: saved.mapping } : { errors: [{ field: 'apply', message: 'Choose a saved mapping' }] });
      }
      const mapping: Record<string, string> = {};
      for (const f of m.fields) {
        const value = body[`field-${f.key}`];
        if (typeof value === 'string' && value !== '' && m.headers.includes(value)) mapping[f.key] = value;
      }
      const saveAs = typeof body['saveAs'] === 'string' ? body['saveAs'].trim() : '';
      try {
        await services.imports.confirmMapping(signedIn(request), idOf(request), mapping, saveAs || null);
        return reply.redirect(`/imports/${idOf(request)}`, 303);
      } catch (error) {
        if (error instanceof ValidationError) {
          return mappingPage(request, reply, { mapping, saveAs, errors: error.errors.map((e) => ({ field: e.field.replace(/^mapping\./, 'field-'), message: e.message })) });
        }
        throw error;
      }
    });

    scope.get('/imports/:id', page, async (request, reply) => {
      const job = await services.imports.get(signedIn(request), idOf(request));
      if (job.status === 'mapping') return reply.redirect(`/imports/${job.id}/mapping`, 303);
      const working = job.status === 'queued' || job.status === 'running';
      const report = job.report;
      return reply.render('pages/import-status.njk', {
        title: working ? 'Working on the file' : job.mode === 'commit' ? 'Import finished' : 'Check finished', width: 'full', back: { href: '/imports' },
        job, working, refreshSeconds: working && (request.query as { refresh?: string }).refresh !== 'off' ? 2 : null, savedInParts: services.imports.commits === 'per-chunk', kindLabel: IMPORT_KIND_LABELS[job.kind], statusLabel: IMPORT_STATUS_LABELS[job.status],
        problems: report ? report.findings.filter((f) => f.severity === 'error') : [],
        warnings: report ? report.findings.filter((f) => f.severity === 'warning') : [],
        reconciliation: report ? report.reconciliation.map((r) => ({ ...r, label: DISAGREEMENT_LABELS[r.kind] ?? r.kind })) : [],
      });
    });

    // Stops a commit before its next chunk (the service undoes what it saved). A job that has already
    // finished, or runs on another server, cannot be stopped here: the page then shows how it ended.
    scope.post('/imports/:id/cancel', form, async (request, reply) => {
      try {
        await services.imports.cancel(signedIn(request), idOf(request));
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
      }
      return reply.redirect(`/imports/${idOf(request)}`, 303);
    });

    scope.post('/imports/:id/commit', form, async (request, reply) => {
      const job = await services.imports.commitDryRun(signedIn(request), idOf(request));
      return reply.redirect(`/imports/${job.id}`, 303);
    });

    for (const format of ['csv', 'xlsx'] as const) {
      scope.get(`/imports/:id/report.${format}`, page, async (request, reply) => {
        return sendImportReport(reply, await services.imports.get(signedIn(request), idOf(request)), format);
      });
    }
  });
}
