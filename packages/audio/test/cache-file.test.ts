import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheFile } from '../bench/cache-file.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'bf-cache-file-'));

describe('cacheFile (bench renders)', () => {
  it('leaves nothing in place when the render fails part-way, and makes it on the next run', () => {
    const d = dir();
    const out = join(d, 'song.wav');
    expect(() =>
      cacheFile(out, (tmp) => {
        writeFileSync(tmp, 'half a render');
        throw new Error('killed');
      }),
    ).toThrow('killed');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(join(d, '.part'))).toEqual([]);
    expect(cacheFile(out, (tmp) => writeFileSync(tmp, 'whole'))).toBe(true);
    expect(readFileSync(out, 'utf8')).toBe('whole');
    // Made once: a second call does not write again.
    expect(cacheFile(out, () => writeFileSync(out, 'again'))).toBe(true);
    expect(readFileSync(out, 'utf8')).toBe('whole');
  });

  it('caches nothing when the writer says it could not make the file', () => {
    const out = join(dir(), 'voice.mp3');
    expect(cacheFile(out, () => false)).toBe(false);
    expect(existsSync(out)).toBe(false);
  });

  it('keeps the extension, so ffmpeg picks the format from the temporary name', () => {
    const out = join(dir(), 'tone.mp3');
    cacheFile(out, (tmp) => {
      execFileSync('ffmpeg', [
        '-v',
        'error',
        '-nostdin',
        '-f',
        'lavfi',
        '-i',
        'sine=d=0.5',
        '-b:a',
        '64k',
        tmp,
      ]);
    });
    const probe = execFileSync(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'format=format_name', '-of', 'csv=p=0', out],
      {
        encoding: 'utf8',
      },
    );
    expect(probe.trim()).toBe('mp3');
  });

  it('a render killed mid-write (SIGKILL) leaves no file under the final name', async () => {
    const d = dir();
    const out = join(d, 'long.wav');
    const script = `import { cacheFile } from ${JSON.stringify(join(import.meta.dirname, '../bench/cache-file.ts'))};
      import { execFileSync } from 'node:child_process';
      cacheFile(${JSON.stringify(out)}, (tmp) => execFileSync('ffmpeg', ['-v', 'error', '-nostdin', '-re', '-f', 'lavfi', '-i', 'sine=d=30', tmp]));`;
    // Its own process group, so the kill takes ffmpeg with it.
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: 'ignore',
      detached: true,
    });
    // Wait until the temporary file has data, then kill the whole render.
    const parts = join(d, '.part');
    for (let i = 0; i < 200; i++) {
      const f = existsSync(parts) ? readdirSync(parts)[0] : undefined;
      if (f && statSync(join(parts, f)).size > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    process.kill(-(child.pid as number), 'SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(out)).toBe(false);
  });
});
