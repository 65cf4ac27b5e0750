import { createLogger, UsageError } from '@beatframe/core';
import { RailwayClient, railwayTargets, rotateKey, vendorKeys } from '@beatframe/ops';
import type { Command } from 'commander';
import { writers } from '../pipeline-session.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

/** `beatframe secrets rotate --provider NAME`: a new provider key into Railway's variables, the old one revoked. */
export function register(program: Command): void {
  const secrets = program.command('secrets').description('provider keys in Railway: rotate');
  secrets
    .command('rotate')
    .description(
      "rotate a provider's key: create it at the vendor (fal) or take it from --from-variable/--stdin, check it, write it into the Railway services' variables, redeploy, check again, revoke the old key",
    )
    .requiredOption('--provider <name>', 'fal, openai-videos, veo or runway')
    .option('--from-variable <name>', 'take the new key from this environment variable')
    .option('--stdin', 'read the new key from standard input')
    .option('--no-redeploy', 'write the variables but do not redeploy')
    .option('--json', 'print the report as JSON')
    .action(
      async (
        opts: { provider: string; fromVariable?: string; stdin?: boolean; redeploy: boolean; json?: boolean },
        cmd: Command,
      ) => {
        const { out } = writers(cmd);
        if (opts.fromVariable && opts.stdin)
          throw new UsageError('give --from-variable or --stdin, not both');
        let newKey: string | undefined;
        if (opts.fromVariable) {
          newKey = process.env[opts.fromVariable];
          if (!newKey) throw new UsageError(`the variable ${opts.fromVariable} is not set`);
        } else if (opts.stdin) newKey = await readStdin();
        const env = process.env;
        const report = await rotateKey({
          vendor: vendorKeys(opts.provider, env),
          railway: RailwayClient.fromEnv(env),
          targets: railwayTargets(env),
          env,
          ...(newKey ? { newKey } : {}),
          redeploy: opts.redeploy,
          logger: createLogger({ level: process.env.BEATFRAME_LOG_LEVEL ?? 'warn' }),
        });
        if (opts.json) return out(JSON.stringify(report, null, 2));
        out(
          `${report.provider}: ${report.variable} ${report.old ?? '(none)'} → ${report.new}${report.created ? ' (created at the vendor)' : ''}`,
        );
        out(
          `services: ${report.services.join(', ')}${report.redeployed ? ' (redeploying)' : ' (not redeployed)'}`,
        );
        out(`old key revoked: ${report.revoked}${report.note ? ` — ${report.note}` : ''}`);
      },
    );
}
