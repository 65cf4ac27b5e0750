import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@beatframe/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { downloadTo, ingestSong, isPrivateAddress, validateAudio } from '../src/index.js';
import { FIXTURE_DIR, ffmpeg } from './fixtures.js';

// Regression tests for the hardening issue: the SSRF guard's blind spots, song length, folders, leftovers.

let twenty: string;
beforeAll(() => {
  twenty = join(FIXTURE_DIR, 'harden-20s.mp3');
  if (!existsSync(twenty))
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=22050:duration=20', '-b:a', '64k', twenty]);
});

describe('SSRF guard', () => {
  it('refuses the documentation (TEST-NET) ranges and IPv6 documentation/NAT64 prefixes', () => {
    for (const a of ['192.0.2.1', '198.51.100.7', '203.0.113.200', '2001:db8::1', '64:ff9b::a00:1'])
      expect(isPrivateAddress(a), a).toBe(true);
    expect(isPrivateAddress('93.184.216.34')).toBe(false);
  });

  it("refuses this host's own addresses, on every interface", async () => {
    const own = Object.values(networkInterfaces())
      .flat()
      .map((a) => a?.address.replace(/%.*$/, ''))
      .filter((a): a is string => !!a);
    expect(own.length).toBeGreaterThan(0);
    for (const a of own) expect(isPrivateAddress(a), a).toBe(true);
    // And a download to one of them is refused before any connection is made.
    const v4 = own.find((a) => !a.includes(':') && !a.startsWith('127.'));
    if (v4) {
      const dir = await mkdtemp(join(tmpdir(), 'bf-harden-'));
      await expect(downloadTo(`http://${v4}:9/x.mp3`, join(dir, 'x'))).rejects.toThrow(/refusing/);
    }
  });
});

describe('song checks', () => {
  it('refuses a song above the length limit from its header, with one line', async () => {
    const err = await validateAudio(twenty, undefined, { maxDurationSec: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).code).toBe('TOO_LONG');
    expect((err as Error).message).toMatch(/0\.3 min long; the longest song accepted is 0\.2 min/);
    // Under the limit it passes.
    await expect(validateAudio(twenty, undefined, { maxDurationSec: 60 })).resolves.toMatchObject({
      durationSec: expect.any(Number),
    });
  });

  it('ingest refuses a too long download or file before analysis', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bf-harden-'));
    await expect(ingestSong(twenty, { destDir: dir, maxDurationSec: 5 })).rejects.toThrow(/longest song/);
    // Nothing of it stays in the project folder.
    expect(readdirSync(dir)).toEqual([]);
  });

  it('says a folder is a folder, not "no such file"', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bf-harden-'));
    const folder = join(dir, 'album.mp3');
    mkdirSync(folder);
    await expect(validateAudio(folder)).rejects.toThrow(/is a folder, not an audio file/);
    await expect(ingestSong(folder, { destDir: join(dir, 'dest') })).rejects.toThrow(/is a folder/);
  });

  it('keeps no copy of a local file that is not audio', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bf-harden-'));
    const secret = join(dir, 'passwd');
    writeFileSync(secret, 'root:x:0:0:root:/root:/bin/bash\n'.repeat(20));
    const dest = join(dir, 'project-song');
    await expect(ingestSong(secret, { destDir: dest })).rejects.toThrow(/not decodable audio/);
    expect(readdirSync(dest)).toEqual([]);
  });
});
