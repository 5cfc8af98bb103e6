// Moving in (api-contract: "Moving in (import)"): POST /api/v1/imports (multipart file, mode
// dry-run|commit) → {id, status, progress, report}, GET /api/v1/imports/{id}, and the batches, the
// report downloads, the commit of a dry run and the saved mappings.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { IMPORT_KINDS } from '../../domain/import-mapping.ts';
import { DISAGREEMENTS } from '../../domain/reconciliation.ts';
import type { Services } from '../../services/index.ts';
import { MAX_IMPORT_BYTES } from '../../services/imports/imports-file.ts';
import { ImportUploadFields, MappingSaveInput } from '../../services/imports/imports-inputs.ts';
import { readImportUpload, sendImportReport } from '../imports-upload.ts';
import { actorOf } from './request.ts';
import { responses } from './schemas.ts';

const Mapping = z.record(z.string(), z.string()).describe('Each field’s key and the header of the column it is read from');
export const ImportJobSchema = z.object({
  id: z.string(),
  kind: z.enum(IMPORT_KINDS),
  mode: z.enum(['dry-run', 'commit']),
  status: z.enum(['mapping', 'queued', 'running', 'done', 'failed']),
  fileName: z.string(),
  sha256: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  progress: z.object({ done: z.number().int(), total: z.number().int() }).describe('Rows processed so far'),
  error: z.string().nullable().describe('Why a failed job failed (nothing of it was saved)'),
  canCommit: z.boolean().describe('A finished dry run whose file is held: POST /imports/{id}/commit imports it'),
  report: z.object({
    kind: z.enum(IMPORT_KINDS),
    mode: z.enum(['dry-run', 'commit']),
    fileName: z.string(),
    sha256: z.string(),
    sheet: z.string().nullable(),
    headerRow: z.number().int(),
    mapping: Mapping,
    rowsTotal: z.number().int(),
    rowsValid: z.number().int(),
    rowsWithProblems: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    skipped: z.number().int(),
    findings: z.array(z.object({ row: z.number().int(), column: z.string(), value: z.string(), problem: z.string(), action: z.string(), severity: z.enum(['error', 'warning']), rule: z.string().optional() })),
    reconciliation: z.array(z.object({ row: z.number().int(), personId: z.string().nullable(), kind: z.enum(DISAGREEMENTS), rule: z.string(), detail: z.string() })),
  }).nullable().describe('The validation report and the reconciliation, once the job is done'),
});
const BatchSchema = z.object({
  id: z.string(), kind: z.enum(IMPORT_KINDS), mode: z.enum(['dry-run', 'commit']), status: z.enum(['mapping', 'queued', 'running', 'done', 'failed']),
  fileName: z.string(), sha256: z.string(), sizeBytes: z.number().int(), createdAt: z.string(), finishedAt: z.string().nullable(), createdBy: z.string(),
  rowsTotal: z.number().int().nullable(), rowsValid: z.number().int().nullable(), rowsWithProblems: z.number().int().nullable(),
  created: z.number().int().nullable(), updated: z.number().int().nullable(), skipped: z.number().int().nullable(),
});

const PROBLEMS = [400, 401, 403, 404, 413, 422] as const;

/** The same answer as responses(), with 202: the job goes on after the answer. */
function accepted(description: string) {
  const all: Record<string, unknown> = responses(201, description, ImportJobSchema, PROBLEMS);
  const { 201: answer, ...problems } = all;
  return { 202: answer, ...problems };
}

export async function registerImportsApi(api: FastifyInstance, services: Services): Promise<void> {
  await api.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 10, fieldSize: 64 * 1024 } });
    const tags = ['Moving in'];
    const id = (request: FastifyRequest) => (request.params as { id: string }).id;

    scope.post('/imports', {
      bodyLimit: MAX_IMPORT_BYTES + 1024 * 1024,
      schema: {
        tags,
        summary: 'Import a spreadsheet register or a detentions extract (multipart: file, mode dry-run|commit, kind register|detentions, mapping JSON)',
        consumes: ['multipart/form-data'],
        response: accepted('The import job, running: poll GET /imports/{id}'),
      },
    }, async (request, reply) => {
      const upload = await readImportUpload(request.parts(), ImportUploadFields);
      return reply.status(202).send(await services.imports.start(actorOf(request), upload));
    });

    scope.get('/imports', { schema: { tags, summary: 'Your organisation’s imports and committed batches, newest first', querystring: z.object({ mode: z.enum(['dry-run', 'commit']).optional() }), response: responses(200, 'The imports', z.object({ items: z.array(BatchSchema) }), [400, 401, 403, 422]) } }, async (request) =>
      ({ items: await services.imports.list(actorOf(request), request.query) }),
    );

    scope.get('/imports/:id', { schema: { tags, summary: 'An import job: its status, progress and report', params: z.object({ id: z.string() }), response: responses(200, 'The import job', ImportJobSchema, [401, 403, 404]) } }, async (request) =>
      services.imports.get(actorOf(request), id(request)),
    );

    scope.post('/imports/:id/commit', { schema: { tags, summary: 'Commit what a finished dry run checked, from the file it kept', params: z.object({ id: z.string() }), response: accepted('The commit job, running') } }, async (request, reply) =>
      reply.status(202).send(await services.imports.commitDryRun(actorOf(request), id(request))),
    );

    scope.post('/imports/:id/cancel', { schema: { tags, summary: 'Stop a commit before its next chunk: what it saved is removed again (422 when it is not being committed)', params: z.object({ id: z.string() }), response: accepted('The commit job, stopping: poll GET /imports/{id} until it has failed') } }, async (request, reply) =>
      reply.status(202).send(await services.imports.cancel(actorOf(request), id(request))),
    );

    for (const format of ['csv', 'xlsx'] as const) {
      scope.get(`/imports/:id/report.${format}`, { schema: { tags, summary: `The validation and reconciliation report as ${format.toUpperCase()} (a cell starting = + - @ is text)`, params: z.object({ id: z.string() }) } }, async (request, reply) => {
        return sendImportReport(reply, await services.imports.get(actorOf(request), id(request)), format);
      });
    }

    scope.post('/imports/mappings', { schema: { tags, summary: 'Save a column mapping for next month’s file', body: MappingSaveInput, response: responses(201, 'Saved', z.object({ saved: z.literal(true) }), [400, 401, 403, 413, 422]) } }, async (request, reply) => {
      await services.imports.saveMapping(actorOf(request), request.body);
      return reply.status(201).send({ saved: true as const });
    });
  });
}
