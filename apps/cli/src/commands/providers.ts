import { createLogger, loadConfig, type VideoProvider } from '@beatframe/core';
import { listProviders, loadProviderPlugins } from '@beatframe/registry';
import type { Command } from 'commander';

export interface ProviderReport {
  name: string;
  aliases: string[];
  description: string;
  configured: boolean;
  hint?: string;
  capabilities: Omit<VideoProvider['capabilities'], 'usdFor'> & {
    /** What one clip of the first duration and size costs with the default model, USD. */
    exampleUsd: { seconds: number; size: string; model?: string; usd: number } | null;
  };
}

/** Every provider, whether it is ready to use here, and what it can do. */
export function providerReports(
  providers: VideoProvider[],
  env: Record<string, string | undefined> = process.env,
): ProviderReport[] {
  const logger = createLogger({ level: 'silent' });
  return providers.map((p) => {
    const { usdFor, ...caps } = p.capabilities;
    const seconds = caps.durations.includes(4) ? 4 : (caps.durations[0] ?? 4);
    const size = caps.sizes[0] ?? '1280x720';
    const model = caps.models[0];
    const status = p.status({ logger, env });
    return {
      name: p.name,
      aliases: p.aliases ?? [],
      description: p.description,
      configured: status.configured,
      ...(status.hint ? { hint: status.hint } : {}),
      capabilities: {
        ...caps,
        exampleUsd: {
          seconds,
          size,
          ...(model ? { model } : {}),
          usd: usdFor({ seconds, size, ...(model ? { model } : {}) }),
        },
      },
    };
  });
}

function range(ns: number[]): string {
  if (!ns.length) return 'any length';
  const contiguous = ns.every((n, i) => i === 0 || n === (ns[i - 1] ?? 0) + 1);
  return contiguous && ns.length > 2 ? `${ns[0]}–${ns.at(-1)}s` : `${ns.join('/')}s`;
}

export function formatReports(reports: ProviderReport[]): string {
  return reports
    .map((r) => {
      const c = r.capabilities;
      const head = `${r.name}${r.aliases.length ? ` (${r.aliases.join(', ')})` : ''}  ${r.configured ? 'ready' : `not configured: ${r.hint ?? ''}`}`;
      const features = [
        range(c.durations),
        c.sizes.length ? c.sizes.join(' ') : 'any size',
        `models ${c.models.join(', ')}`,
        c.imageToVideo ? 'image-to-video' : '',
        c.remix ? 'remix' : '',
        c.audio ? 'with sound' : '',
        `${c.concurrency} at once, ${c.rpm}/min`,
        c.exampleUsd ? `$${c.exampleUsd.usd.toFixed(2)} per ${c.exampleUsd.seconds}s clip` : '',
      ].filter(Boolean);
      return `${head}\n  ${r.description}\n  ${features.join(' · ')}\n`;
    })
    .join('\n');
}

/** `beatframe providers`: what can make clips here. */
export function register(program: Command): void {
  program
    .command('providers')
    .description('list the video providers, whether each is configured, and what each can do')
    .option('--json', 'print them as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const write = cmd.configureOutput().writeOut ?? ((s: string) => process.stdout.write(s));
      const config = loadConfig();
      await loadProviderPlugins(config);
      const reports = providerReports(listProviders(config));
      write(opts.json ? `${JSON.stringify(reports, null, 2)}\n` : formatReports(reports));
    });
}
