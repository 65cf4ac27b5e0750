#!/usr/bin/env node
// `npm run demo`: writes the project's own demo song (synthesised here, no third-party audio) and turns it
// into out/demo.mp4 with the embedded defaults: no keys, no network.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { demoSong, writeDemoSong } from '@beatframe/synth';
import { ROOT, toolchainEnv } from './toolchain.mjs';

const outDir = join(ROOT, 'out');
mkdirSync(outDir, { recursive: true });
const spec = demoSong();
const song = await writeDemoSong(join(outDir, 'demo-song'));
const env = toolchainEnv({ BEATFRAME_DATA_DIR: join(ROOT, '.beatframe'), ...process.env });
const args = [
  'make',
  song.wavPath,
  '--lyrics',
  song.lrcPath,
  '--title',
  spec.title,
  '--artist',
  spec.artist ?? 'beatframe demo',
  '--theme',
  'a night drive along a neon coastline, city lights pulsing like waves',
  '--out',
  join(outDir, 'demo.mp4'),
  '--yes',
  ...process.argv.slice(2),
];
const r = spawnSync(join(ROOT, 'beatframe'), args, { stdio: 'inherit', env, cwd: ROOT });
if (r.status === 0) process.stderr.write(`demo: wrote ${join(outDir, 'demo.mp4')}\n`);
process.exit(r.status ?? 1);
