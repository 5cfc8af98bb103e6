// `s117 system-account create --name N --org CODE --scopes read,feed-detentions,subscriptions`:
// a system account for another system; prints its client id and secret (shown once) and its email,
// for `s117 token create --email` when the system uses a long-lived token instead of the grant.
import { parseArgs } from 'node:util';
import type { Services } from '../services/index.ts';

export async function systemAccountCommand(services: Services, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'revoke') {
    const { values } = parseArgs({ args: rest, options: { 'client-id': { type: 'string' } } });
    await services.systemAccounts.revoke(values['client-id'] ?? '');
    console.log(`Revoked ${values['client-id']}: its credentials and tokens no longer work`);
    return 0;
  }
  if (sub !== 'create') {
    console.error('Usage: s117 system-account create --name NAME --org CODE --scopes read,feed-detentions,subscriptions | revoke --client-id ID');
    return 2;
  }
  const { values } = parseArgs({ args: rest, options: { name: { type: 'string' }, org: { type: 'string' }, scopes: { type: 'string' } } });
  const created = await services.systemAccounts.create({ name: values.name, organisationCode: values.org, scopes: (values.scopes ?? '').split(',').map((s) => s.trim()).filter(Boolean) });
  console.log(`client_id=${created.clientId}`);
  console.log(`client_secret=${created.clientSecret}`);
  console.log(`email=${created.email}`);
  console.error(`System account for ${created.organisationCode} with scopes ${created.scopes.join(', ')}. The secret is shown only now.`);
  return 0;
}
