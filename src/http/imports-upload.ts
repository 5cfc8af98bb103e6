// Reads the multipart upload of an import (the API and the upload page): one file part named
// "file" and the text fields, checked with the service's schema.
import type { Multipart } from '@fastify/multipart';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { ImportRequest } from '../services/imports/imports-service.ts';
import type { ImportUploadFields } from '../services/imports/imports-inputs.ts';
import { reportCsv, reportXlsx } from '../services/imports/imports-report.ts';
import { ValidationError } from '../services/kernel/errors.ts';
import { parseInput } from '../services/kernel/validation.ts';

export interface Upload { fields: Record<string, string>; file: { fileName: string; content: Buffer } | null }

/** The parts of a multipart request; a file over the limit throws fastify's 413. */
export async function readParts(parts: AsyncIterableIterator<Multipart>): Promise<Upload> {
  const fields: Record<string, string> = {};
  let file: Upload['file'] = null;
  for await (const part of parts) {
    if (part.type === 'file') {
      const content = await part.toBuffer();
      if (part.fieldname === 'file' && !file) file = { fileName: part.filename || 'upload', content };
    } else if (typeof part.value === 'string') {
      fields[part.fieldname] = part.value;
    }
  }
  return { fields, file };
}

export async function readImportUpload(parts: AsyncIterableIterator<Multipart>, schema: typeof ImportUploadFields): Promise<ImportRequest> {
  const { fields, file } = await readParts(parts);
  const data: z.output<typeof ImportUploadFields> = parseInput(schema, fields);
  if (!file) throw new ValidationError([{ field: 'file', message: 'Choose the spreadsheet to import (a part named file)' }]);
  return { kind: data.kind, mode: data.mode, mapping: data.mapping ?? null, fileName: file.fileName.replace(/^.*[\\/]/, '').slice(0, 200), content: file.content };
}

/** The report of an import as a download (the API and the pages). */
export async function sendImportReport(reply: FastifyReply, job: { id: string; report: Parameters<typeof reportCsv>[0] | null }, format: 'csv' | 'xlsx'): Promise<FastifyReply> {
  const report = job.report ?? { findings: [], reconciliation: [] };
  reply.header('content-disposition', `attachment; filename="import-report-${job.id}.${format}"`);
  if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(reportCsv(report));
  return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await reportXlsx(report));
}
