// What the money routes (refunds, top-ups, disputes, recharges) share: the scalar schemas, the
// person's path parameters, If-Match, the problem codes of reads and writes, lists and CSV answers.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { responses } from './schemas.ts';

export const Id = z.string().describe('UUID');
export const IsoDate = z.string().describe('A UK date, YYYY-MM-DD');
export const Pence = z.number().int().describe('Integer pence');

export const MONEY_TAGS = ['Charges, refunds, top-ups, disputes and recharges'];
export const PersonParams = z.object({ id: z.string().describe('The person’s id (UUID)') });
export const IfMatch = z.object({ 'if-match': z.string().optional().describe('The version being changed; a stale one is refused with 409') });
export const READ = [400, 401, 403, 404] as const;
export const WRITE = [400, 401, 403, 404, 409, 413, 422] as const;
export const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** The path parameters of a money route. */
export const params = (request: FastifyRequest) => request.params as { id: string; refundId: string; topUpId: string; serviceId: string };

export function csv(reply: FastifyReply, body: string, name: string) {
  return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store').send(body);
}
export const CsvResponse = (summary: string) => ({ ...responses(200, 'CSV', z.string(), [400, 401, 403, 422]), 200: { description: `${summary} (CSV, RFC 4180, with a header row)`, content: { 'text/csv': { schema: z.string() } } } });
