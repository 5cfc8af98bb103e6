// The JSON API, version 1 (docs/api-contract). Each route hands its input to a service.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services/index.ts';
import { registerPeopleApi } from './people.ts';

export async function registerApi(api: FastifyInstance, services: Services): Promise<void> {
  registerPeopleApi(api, services);
}
