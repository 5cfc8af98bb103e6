// s117 audit verify | seal | prove EVENT, and s117 db roles (docs/adr/0016-audit-log-sealing.md).
import { parseArgs } from 'node:util';
import { ValidationError } from '../services/kernel/errors.ts';
import type { Register } from '../services/register.ts';

type Services = Register['services'];

export async function auditCommand(services: Services, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'verify') {
    const result = await services.audit.verify((checked) => process.stderr.write(`\rchecked ${checked} events`));
    process.stderr.write('\n');
    if (result.ok) {
      console.log(`The audit trail is whole and unaltered (${result.checked} events)`);
      console.log(result.checkpoint
        ? `Its head matches the signed checkpoint of ${result.checkpoint.at} (${result.checkpoint.size} events, root ${result.checkpoint.root}); ${result.checkpoints} checkpoints checked`
        : 'No checkpoint has been signed yet');
      if (result.pending > 0) console.log(`${result.pending} events are not sealed yet: their transactions had not ended`);
      return 0;
    }
    console.error(`The audit trail has been tampered with: ${result.problems.slice(0, 10).join('; ')}${result.problems.length > 10 ? `; and ${result.problems.length - 10} more` : ''}`);
    return 1;
  }
  if (sub === 'seal') {
    const result = await services.audit.seal();
    if (result.wrongKey) {
      console.error('Not sealed: the audit key (S117_AUDIT_KEY) is not the key that signed the latest checkpoint');
      return 1;
    }
    if (result.busy) {
      console.log('Another process is sealing the audit trail now');
      return 0;
    }
    console.log(`Sealed ${result.sealed} events; the log holds ${result.size}`);
    if (result.checkpoint) console.log(`Signed checkpoint: ${result.checkpoint.size} events, root ${result.checkpoint.root}, at ${result.checkpoint.at}`);
    return 0;
  }
  if (sub === 'prove') {
    const seq = Number(rest[0]);
    if (!Number.isSafeInteger(seq) || seq < 1) throw new ValidationError([{ field: 'event', message: 'give the number of an audit event, like 42' }]);
    const proof = await services.audit.prove(seq);
    if (!proof) {
      console.error(`Event ${seq} is not in the sealed audit trail`);
      return 1;
    }
    console.log(JSON.stringify({
      event: proof.seq,
      leafIndex: proof.position - 1,
      leafHash: proof.leafHash,
      treeSize: proof.checkpoint.size,
      root: proof.checkpoint.root,
      checkpoint: proof.checkpoint,
      inclusionPath: proof.path,
    }, null, 2));
    if (proof.verified) {
      console.log(`Event ${seq} is in the audit trail: the proof verifies against the signed checkpoint of ${proof.checkpoint.at} (${proof.checkpoint.size} events)`);
      return 0;
    }
    console.error(`The proof for event ${seq} does NOT verify${proof.signatureValid ? '' : ' (the checkpoint signature is not valid)'}: the event or the log has been altered`);
    return 1;
  }
  console.error('Usage: s117 audit verify | audit seal | audit prove EVENT');
  return 2;
}

export async function dbCommand(register: Register, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'roles') {
    console.error('Usage: s117 db roles --role NAME   (a password for the role is read from standard input when given)');
    return 2;
  }
  const { values } = parseArgs({ args: rest, options: { role: { type: 'string' } } });
  if (!values.role) throw new ValidationError([{ field: 'role', message: '--role is required' }]);
  const password = await readStdin();
  await register.maintenance.applicationRole(values.role, password);
  console.log(`Role ${values.role} may read and write the register, and only insert into and read the audit trail. Run the server with it in DATABASE_URL; run migrations (s117 migrate) and this command as the owner.`);
  return 0;
}

async function readStdin(): Promise<string | undefined> {
  if (process.stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  return text === '' ? undefined : text;
}
