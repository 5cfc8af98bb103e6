// POST /oauth/token: the OAuth 2.0 client-credentials grant for system accounts (RFC 6749 4.4).
// Credentials in the form body or HTTP Basic; answers and errors in the RFC's own JSON.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../services/index.ts';
import { UnauthenticatedError } from '../../services/kernel/errors.ts';

const TokenForm = z.object({
  grant_type: z.literal('client_credentials'),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
  scope: z.string().optional(),
});

export function registerOAuth(app: FastifyInstance, services: Services): void {
  app.post('/oauth/token', { schema: { tags: ['System accounts'], summary: 'OAuth 2.0 client-credentials grant: a bearer token for a system account (an hour)', security: [], body: TokenForm } }, async (request, reply) => {
    const form = { ...((request.body ?? {}) as Record<string, unknown>) };
    const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (basic) {
      const [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':', 2);
      form.client_id = decodeURIComponent(id ?? '');
      form.client_secret = decodeURIComponent(secret ?? '');
    }
    reply.header('cache-control', 'no-store');
    try {
      return await services.systemAccounts.token(form);
    } catch (error) {
      if (error instanceof UnauthenticatedError) return reply.status(401).send({ error: 'invalid_client', error_description: error.message });
      if (form.grant_type !== 'client_credentials') return reply.status(400).send({ error: 'unsupported_grant_type', error_description: 'Only client_credentials is supported' });
      return reply.status(400).send({ error: 'invalid_request', error_description: 'Send grant_type, client_id and client_secret' });
    }
  });
}
