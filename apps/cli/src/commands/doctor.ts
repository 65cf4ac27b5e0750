import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { BeatframeError, loadConfig } from '@beatframe/core';
import { ffmpegPath, ffprobePath } from '@beatframe/media';
import { connectivityChecks, secretChecks } from '@beatframe/ops';
import type { Command } from 'commander';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** A failed optional check does not fail `doctor`. */
  optional?: boolean;
}

function version(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? (r.stdout || r.stderr).split('\n')[0]?.trim() : undefined;
}

/** What a render needs on this machine, checked without changing anything. */
export function runChecks(env: Record<string, string | undefined> = process.env): Check[] {
  const checks: Check[] = [];
  const [maj = 0, min = 0] = process.versions.node.split('.').map(Number);
  checks.push({
    name: 'node',
    ok: maj > 22 || (maj === 22 && min >= 12),
    detail: `v${process.versions.node} (needs >= 22.12)`,
  });
  const ff = version(ffmpegPath(env), ['-hide_banner', '-version']);
  const filters = ff
    ? spawnSync(ffmpegPath(env), ['-hide_banner', '-filters'], { encoding: 'utf8' }).stdout
    : '';
  const wanted = ['xfade', 'drawtext', 'zoompan'];
  const lacking = wanted.filter((f) => !new RegExp(`\\b${f}\\b`).test(filters ?? ''));
  checks.push({
    name: 'ffmpeg',
    ok: Boolean(ff) && lacking.length === 0,
    detail: ff
      ? lacking.length
        ? `${ff}; lacks ${lacking.join(', ')}`
        : ff
      : 'not found (npm run setup installs it)',
  });
  const probe = version(ffprobePath(env), ['-hide_banner', '-version']);
  checks.push({ name: 'ffprobe', ok: Boolean(probe), detail: probe ?? 'not found' });
  let config: ReturnType<typeof loadConfig> | undefined;
  try {
    config = loadConfig({ env });
    checks.push({ name: 'config', ok: true, detail: `data dir ${config.dataDir}` });
  } catch (err) {
    checks.push({ name: 'config', ok: false, detail: (err as Error).message });
  }
  const browser = config?.browserExecutable;
  const browserVersion = browser && existsSync(browser) ? version(browser, ['--version']) : undefined;
  checks.push({
    name: 'browser',
    ok: Boolean(browserVersion),
    detail: browserVersion
      ? `${browser} (${browserVersion})`
      : 'no Chromium found: install chromium or set BEATFRAME_BROWSER_EXECUTABLE',
  });
  checks.push({
    name: 'fonts',
    ok: existsSync('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'),
    detail: 'DejaVu Sans (fonts-dejavu-core) for titles and captions',
  });
  if (config) {
    try {
      mkdirSync(config.dataDir, { recursive: true });
      accessSync(config.dataDir, constants.W_OK);
      checks.push({ name: 'data dir', ok: true, detail: `${config.dataDir} is writable` });
    } catch {
      checks.push({ name: 'data dir', ok: false, detail: `${config.dataDir} is not writable` });
    }
    checks.push({
      name: 'database',
      ok: true,
      detail: config.databaseUrl ? 'PostgreSQL from DATABASE_URL' : `embedded PGlite in ${config.dataDir}`,
    });
  }
  checks.push({
    name: 'llm crew',
    ok: Boolean(env.OPENAI_API_KEY),
    optional: true,
    detail: env.OPENAI_API_KEY
      ? `OPENAI_API_KEY set${env.OPENAI_BASE_URL ? `, endpoint ${env.OPENAI_BASE_URL}` : ''}`
      : 'OPENAI_API_KEY not set: the offline heuristic crew is used',
  });
  return checks;
}

export function register(program: Command): void {
  program
    .command('doctor')
    .description(
      'check this machine and its configuration: Node, ffmpeg filters, Chromium, fonts, data dir, which secrets are set (by name), PostgreSQL',
    )
    .option('--json', 'print the checks as JSON')
    .action(async (opts: { json?: boolean }) => {
      // Secrets are named (provider keys by fingerprint), never shown; then what the config points at.
      const checks = [...runChecks(), ...secretChecks(), ...(await connectivityChecks())];
      if (opts.json) process.stdout.write(`${JSON.stringify(checks, null, 2)}\n`);
      else
        for (const c of checks)
          process.stdout.write(
            `${c.ok ? 'ok  ' : c.optional ? 'note' : 'FAIL'}  ${c.name.padEnd(13)} ${c.detail}\n`,
          );
      const failed = checks.filter((c) => !c.ok && !c.optional);
      if (failed.length)
        throw new BeatframeError(`${failed.length} check(s) failed: ${failed.map((c) => c.name).join(', ')}`);
    });
}
