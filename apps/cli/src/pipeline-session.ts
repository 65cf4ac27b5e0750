import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, type Logger, loadConfig, type Project } from '@beatframe/core';
import { type Beatframe, createBeatframe, type PipelineEvent } from '@beatframe/pipeline';
import type { Command } from 'commander';
import { createProgress, type Progress } from './progress.js';

/** The command's stdout and stderr (main() passes its own streams through commander's output config). */
export function writers(cmd: Command): { out: (s: string) => void; err: (s: string) => void } {
  const cfg = cmd.configureOutput();
  return {
    out: (s) => (cfg.writeOut ?? ((x: string) => process.stdout.write(x)))(`${s}\n`),
    err: (s) => (cfg.writeErr ?? ((x: string) => process.stderr.write(x)))(`${s}\n`),
  };
}

/**
 * The service for one CLI command. JSON logs (project and stage on every line) go to
 * <dataDir>/logs/beatframe.log, or to stderr with --verbose or for `worker`, where they are the output.
 */
export async function openSession(opts: { logsToStderr?: boolean } = {}): Promise<{
  bf: Beatframe;
  logger: Logger;
  logFile?: string;
}> {
  const config = loadConfig();
  const verbose = process.argv.includes('--verbose');
  let logger: Logger;
  let logFile: string | undefined;
  if (opts.logsToStderr || verbose) {
    logger = createLogger({ level: config.logLevel });
  } else {
    mkdirSync(join(config.dataDir, 'logs'), { recursive: true });
    logFile = join(config.dataDir, 'logs', 'beatframe.log');
    logger = createLogger({
      level: config.logLevel,
      destination: createWriteStream(logFile, { flags: 'a' }),
    });
  }
  const bf = await createBeatframe({ config, logger });
  return { bf, logger, ...(logFile ? { logFile } : {}) };
}

/**
 * How long a stopping worker lets the stages and shots in hand finish before handing them back to the
 * queue (BEATFRAME_SHUTDOWN_GRACE_SEC, default 20 s: inside Railway's draining time set in railway.json).
 */
export function shutdownGraceMs(env: Record<string, string | undefined> = process.env): number {
  const sec = Number(env.BEATFRAME_SHUTDOWN_GRACE_SEC ?? 20);
  return Number.isFinite(sec) && sec >= 0 ? sec * 1000 : 20_000;
}

export function usd(n: number): string {
  return `$${n.toFixed(2)}`;
}

/** Shows a progress bar per stage (and shot problems as lines) for the projects being watched. */
export function watchProgress(
  bf: Beatframe,
  projectIds: string[],
  label: (id: string) => string,
): () => void {
  const bars = new Map<string, { stage: string; bar: Progress }>();
  const offs = projectIds.map((id) =>
    bf.subscribe(id, (e: PipelineEvent) => {
      const cur = bars.get(id);
      if (e.type === 'stage') {
        if (e.status === 'running') {
          if (cur?.stage !== e.stage) {
            cur?.bar.stop();
            const bar = createProgress(`${label(id)}${e.stage.padEnd(8)}`);
            bars.set(id, { stage: e.stage, bar });
            bar.update(e.progress, e.label ?? '');
          } else cur.bar.update(e.progress, e.label ?? '');
        } else if (e.status === 'done' && cur?.stage === e.stage) {
          cur.bar.update(1, 'done');
          cur.bar.stop();
          bars.delete(id);
        }
      } else if (e.type === 'shot' && e.status === 'failed') {
        (cur?.bar ?? { log: (l: string) => process.stderr.write(`${l}\n`) }).log(
          `${label(id)}shot ${e.shotId} failed: ${e.error ?? ''}`,
        );
      } else if (e.type === 'log' && e.level !== 'info') {
        (cur?.bar ?? { log: (l: string) => process.stderr.write(`${l}\n`) }).log(`${label(id)}${e.message}`);
      }
    }),
  );
  return () => {
    for (const off of offs) off();
    for (const b of bars.values()) b.bar.stop();
  };
}

/** Waits for each project to settle (done, failed or paused); Ctrl-C stops waiting, the work stays resumable. */
export async function settle(bf: Beatframe, ids: string[], signal: AbortSignal): Promise<Project[]> {
  return Promise.all(ids.map((id) => bf.waitFor(id, { signal })));
}

/** An AbortSignal for Ctrl-C / SIGTERM, with a note on how to go on. */
export function interruptSignal(note: () => string): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const on = () => {
    if (!ac.signal.aborted) process.stderr.write(`\n${note()}\n`);
    ac.abort();
  };
  process.once('SIGINT', on);
  process.once('SIGTERM', on);
  return {
    signal: ac.signal,
    dispose: () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    },
  };
}
