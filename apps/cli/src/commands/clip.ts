import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type ClipRequest,
  ConfigError,
  createLogger,
  InputError,
  loadConfig,
  UsageError,
} from '@beatframe/core';
import { generateClip, getProvider, loadProviderPlugins } from '@beatframe/registry';
import type { Command } from 'commander';
import { createProgress } from '../progress.js';
import { addWebFlags, applyWebFlags } from '../web-flags.js';

interface ClipOptions {
  provider: string;
  prompt: string;
  seconds: string;
  size: string;
  image?: string;
  model?: string;
  out: string;
  bpm?: string;
  energy?: string;
  shot?: string;
  json?: boolean;
  timeout: string;
  headed?: boolean;
  trace?: boolean;
}

export function parseClipRequest(opts: ClipOptions): ClipRequest {
  const seconds = Number(opts.seconds);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new UsageError(`--seconds must be a positive number, not ${opts.seconds}`);
  const size = opts.size.trim().toLowerCase();
  if (!/^\d+x\d+$/.test(size))
    throw new UsageError(`--size must look like WIDTHxHEIGHT (e.g. 1280x720), not ${opts.size}`);
  if (!opts.prompt.trim()) throw new UsageError('--prompt must not be empty');
  const imagePath = opts.image ? resolve(opts.image) : undefined;
  if (imagePath && !existsSync(imagePath)) throw new InputError(`--image ${opts.image} does not exist`);
  const bpm = opts.bpm === undefined ? undefined : Number(opts.bpm);
  const energy = opts.energy === undefined ? undefined : Number(opts.energy);
  if (bpm !== undefined && !(bpm > 0 && bpm < 400))
    throw new UsageError(`--bpm must be a tempo, not ${opts.bpm}`);
  if (energy !== undefined && !(energy >= 0 && energy <= 1))
    throw new UsageError(`--energy must be within 0…1, not ${opts.energy}`);
  const shot = opts.shot?.trim();
  return {
    prompt: opts.prompt,
    ...(shot ? { shotId: shot } : {}),
    // "--shot 3" also means the third shot, for folders numbered 03-*.mp4.
    ...(shot && /^\d+$/.test(shot) && Number(shot) > 0 ? { shotIndex: Number(shot) - 1 } : {}),
    seconds,
    size,
    ...(opts.model ? { model: opts.model } : {}),
    ...(imagePath ? { imagePath } : {}),
    ...(bpm !== undefined || energy !== undefined
      ? { music: { bpm: bpm ?? 120, energy: energy ?? 0.5 } }
      : {}),
  };
}

/** `beatframe clip`: try any provider by hand. */
export function register(program: Command): void {
  addWebFlags(program.command('clip'))
    .description('make one clip with a video provider, to try it by hand')
    .requiredOption('--provider <name>', 'provider name or alias (see `beatframe providers`)')
    .requiredOption('--prompt <text>', 'what the clip shows')
    .requiredOption('--out <file>', 'where to write the MP4')
    .option('--seconds <n>', 'clip length; snapped to what the provider offers', '4')
    .option('--size <WxH>', 'frame size, one the provider offers', '1280x720')
    .option('--image <file>', 'a still the clip starts from (image-to-video)')
    .option('--model <model>', "the provider's model (default: its first)")
    .option('--bpm <n>', 'tempo for providers that follow the music (local)')
    .option('--energy <0..1>', 'energy for providers that follow the music (local)')
    .option(
      '--shot <id>',
      'shot id or 1-based number (manual finds clips by it; local seeds its look with it)',
    )
    .option('--timeout <seconds>', 'give up waiting after this long', '1800')
    .option('--json', 'print the clip as JSON')
    .action(async (opts: ClipOptions, cmd: Command) => {
      const write = cmd.configureOutput().writeOut ?? ((s: string) => process.stdout.write(s));
      applyWebFlags(opts);
      const config = loadConfig();
      await loadProviderPlugins(config);
      const provider = getProvider(opts.provider, config);
      const env = process.env;
      const logger = createLogger({ level: process.env.BEATFRAME_LOG_LEVEL ?? 'warn' });
      const status = provider.status({ logger, env });
      if (!status.configured)
        throw new ConfigError(
          `provider ${provider.name} is not configured: ${status.hint ?? 'see its README'}`,
        );
      const req = parseClipRequest(opts);
      const timeout = Number(opts.timeout);
      if (!(timeout > 0))
        throw new UsageError(`--timeout must be a positive number of seconds, not ${opts.timeout}`);
      const out = resolve(opts.out);
      const progress = createProgress(`${provider.name}`);
      const abort = new AbortController();
      const onSigint = () => abort.abort();
      process.once('SIGINT', onSigint);
      const ctx = {
        logger,
        env,
        signal: abort.signal,
        decisions: { record: (d: { summary: string }) => progress.log(`decision: ${d.summary}`) },
      };
      try {
        const { clip } = await generateClip(provider, req, out, ctx, {
          timeoutSec: timeout,
          onSubmitted: (ref) =>
            progress.log(
              `job ${ref.jobId} submitted to ${provider.name} (${ref.seconds}s ${ref.size}${ref.model ? `, ${ref.model}` : ''})`,
            ),
          onStatus: (st) => progress.update(st.progress ?? 0, st.state === 'done' ? 'downloading' : st.state),
          onRetry: (what, err, waitSec) =>
            progress.log(`${what}: ${err.message}; trying again in ${waitSec.toFixed(0)}s`),
        });
        progress.stop();
        if (opts.json) write(`${JSON.stringify(clip, null, 2)}\n`);
        else
          write(
            `wrote ${clip.path} (${clip.width}x${clip.height}, ${clip.durationSec.toFixed(2)}s, ${clip.fps.toFixed(0)} fps, ${clip.provider}${clip.model ? ` ${clip.model}` : ''}, $${clip.costUsd.toFixed(2)})\n`,
          );
      } finally {
        progress.stop();
        process.off('SIGINT', onSigint);
        await provider.close?.();
      }
    });
}
