import { describe, expect, it } from 'vitest';
import { main } from '../src/index.js';
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
