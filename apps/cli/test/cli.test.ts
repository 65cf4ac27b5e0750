import { execFileSync } from 'node:child_process';
import module from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commandNamed } from '../src/commands/index.js';
import { buildProgram, main } from '../src/index.js';
import { io } from './support/io.js';

describe('cli', () => {
  it('an unknown option is a one-line error with exit code 2', async () => {
    const t = io();
    expect(await main(['--no-such-option'], t.io)).toBe(2);
    expect(t.err.join('')).toMatch(/^beatframe: unknown option '--no-such-option'\n$/);
  });
  it('--help exits 0 and lists the description', async () => {
    const t = io();
    expect(await main(['--help'], t.io)).toBe(0);
    expect(t.out.join('')).toContain('beat-synced music video');
  });
});

describe('commands load on demand', () => {
  const all = ['make', 'analyze', 'clip', 'providers', 'status', 'resume', 'stills', 'final', 'decisions'];
  it('registers only the command named, and every command (in help order) otherwise', async () => {
    expect((await buildProgram(io().io, ['analyze', 'song.mp3'])).commands.map((c) => c.name())).toEqual([
      'analyze',
    ]);
    expect(
      (await buildProgram(io().io, ['--verbose', 'status', '--json'])).commands.map((c) => c.name()),
    ).toEqual(['status']);
    const names = (await buildProgram(io().io)).commands.map((c) => c.name());
    expect(names.slice(0, all.length)).toEqual(all);
    expect(names).toHaveLength(15);
    expect(commandNamed(['help', 'analyze'])).toBeUndefined();
    expect(commandNamed(['analzye'])).toBeUndefined();
  });

  it('top-level help still lists every command, a typo still gets its suggestion, --version needs none', async () => {
    const help = io();
    expect(await main(['--help'], help.io)).toBe(0);
    for (const name of [...all, 'serve', 'secrets']) expect(help.out.join('')).toContain(`  ${name}`);
    const typo = io();
    expect(await main(['analzye', 'x.wav'], typo.io)).toBe(2);
    expect(typo.err.join('')).toMatch(/unknown command 'analzye'\n\(Did you mean analyze\?\)/);
    const version = io();
    expect(await main(['--version'], version.io)).toBe(0);
    expect(version.out.join('')).toBe('0.1.0\n');
  });

  // module.registerHooks is Node ≥ 23.5; `npm test` runs on the project's Node 24.
  it.skipIf(!('registerHooks' in module))(
    '`analyze` never imports the pipeline, the database or the API (the built CLI, in a fresh process)',
    () => {
      const mainJs = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');
      // Records every module the process resolves, then runs `beatframe analyze --help` in it.
      const script = `
      import { registerHooks } from 'node:module';
      const seen = [];
      registerHooks({ resolve(spec, ctx, next) { const r = next(spec, ctx); seen.push(r.url); return r; } });
      const { main } = await import(${JSON.stringify(mainJs)});
      const sink = { write: () => true };
      const code = await main(['analyze', '--help'], { stdout: sink, stderr: sink });
      process.stdout.write(JSON.stringify({ code, seen }));`;
      const out = JSON.parse(
        execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }),
      ) as { code: number; seen: string[] };
      expect(out.code).toBe(0);
      expect(out.seen.some((u) => u.includes('/packages/audio/'))).toBe(true);
      const heavy = out.seen.filter((u) =>
        /\/packages\/(pipeline|db|registry)\/|\/apps\/api\/|drizzle-orm/.test(u),
      );
      expect(heavy).toEqual([]);
    },
  );
});

describe('doctor', () => {
  it('reports the toolchain this machine has', async () => {
    const { runChecks } = await import('../src/commands/doctor.js');
    const checks = runChecks({ ...process.env, BEATFRAME_FFMPEG: '/nonexistent/ffmpeg' });
    const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
    expect(byName.ffmpeg?.ok).toBe(false);
    expect(byName.ffprobe?.ok).toBe(true);
    expect(byName.node?.ok).toBe(true);
    expect(byName['llm crew']?.optional).toBe(true);
  });
});
