/**
 * Diagnostic: is there a steady beat at all? The tempo confidence (which takes `barRepeat`, how much the
 * onsets repeat 2–4 beats later, beside the tempogram's clarity) on three kinds of material:
 * - beatless material made here: slowly swelling pad chords, espeak-ng speech, speech over the pads,
 *   plucked notes at random gaps (sox), and the pads followed by the speech; none has a beat to cut on;
 * - train songs (bench/train-songs.ts selection: CORPUS=1, PRACTICE=1, CLASSES=1), all with a beat;
 * - the real recordings of bench/sanity.ts (singularity-music, ufoai-music; no truth), listed where they
 *   fall below the phrase threshold.
 * Prints each beatless file, the lowest train songs and the quantiles. Needs ffmpeg, espeak-ng and sox.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { analyzeAudio } from '@beatframe/audio';
import { PHRASE_BELOW } from '@beatframe/core';
import { onTruth } from './bench-util.ts';
import { analyzedWithSteps, trainSongs } from './train-songs.ts';

const dir = join(tmpdir(), 'beatframe-steady');
mkdirSync(dir, { recursive: true });
const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: 'ignore' });

function beatless(): string[] {
  const pads = join(dir, 'pads.wav');
  const speech = join(dir, 'speech.wav');
  const speechPads = join(dir, 'speech-pads.wav');
  const plucks = join(dir, 'free-plucks.wav');
  if (!existsSync(pads))
    run('ffmpeg', [
      ...['-loglevel', 'error', '-y', '-f', 'lavfi', '-i'],
      "aevalsrc='(sin(2*PI*220*t)+sin(2*PI*277*t)+sin(2*PI*330*t))*0.15*(1.2+sin(2*PI*0.13*t)+0.6*sin(2*PI*0.071*t))':s=22050:d=40",
      ...['-f', 'lavfi', '-i', 'anoisesrc=color=pink:amplitude=0.05:seed=11:d=40:r=22050'],
      ...[
        '-filter_complex',
        '[0:a][1:a]amix=inputs=2:duration=first,aecho=0.8:0.7:400|900:0.4|0.3',
        '-ac',
        '1',
        pads,
      ],
    ]);
  if (!existsSync(speech)) {
    const once = join(dir, 'speech-once.wav');
    run('espeak-ng', [
      '-w',
      once,
      'This is a spoken paragraph with no music under it at all. It goes on for a while, with pauses, commas, and sentences of different lengths. Then it stops, and starts again, because a podcast intro has no steady beat for an editor to cut on.',
    ]);
    run('sox', [once, speech, 'repeat', '2']);
  }
  if (!existsSync(speechPads))
    run('sox', ['-m', '-v', '1', speech, '-v', '0.5', pads, speechPads, 'trim', '0', '40']);
  if (!existsSync(plucks)) {
    // 60 plucked notes at gaps from 0.15 to 1.4 s (a fixed LCG, so the file is the same everywhere).
    let seed = 5;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const notes = [220, 247, 262, 294, 330, 349, 392, 440, 494, 523];
    const parts: string[] = [];
    for (let i = 0; i < 60; i++) {
      const part = join(dir, `pluck-${i}.wav`);
      const f = notes[Math.floor(rnd() * notes.length)] as number;
      run('sox', [
        '-n',
        '-r',
        '22050',
        '-c',
        '1',
        part,
        'synth',
        (0.15 + 1.25 * rnd()).toFixed(3),
        'pluck',
        String(f),
      ]);
      parts.push(part);
    }
    run('sox', [...parts, plucks]);
  }
  const padsThenSpeech = join(dir, 'pads-then-speech.wav');
  if (!existsSync(padsThenSpeech)) run('sox', [pads, speech, padsThenSpeech]);
  return [pads, speech, speechPads, plucks, padsThenSpeech];
}

const line = (name: string, conf: number) =>
  `  ${name.padEnd(40)} ${conf.toFixed(3)}${conf < PHRASE_BELOW ? '  (phrase level)' : ''}`;
console.log(`beatless material (tempo confidence; phrase level below ${PHRASE_BELOW}):`);
for (const f of beatless()) console.log(line(basename(f), (await analyzeAudio(f)).tempoConfidence));

/** Share of our beats within ±70 ms of a true beat (inside the truth's span). */
function onBeat(beats: number[], truth: number[]): number {
  const { hit, n } = onTruth(beats, truth);
  return hit / Math.max(1, n);
}
const train: Array<{ name: string; conf: number; onBeat: number }> = [];
for (const s of trainSongs()) {
  const { a } = await analyzedWithSteps(s.audio);
  train.push({ name: `${s.name} (${s.damage})`, conf: a.tempoConfidence, onBeat: onBeat(a.beats, s.beats) });
}
train.sort((a, b) => a.conf - b.conf);
if (train.length) {
  console.log(`train songs (${train.length}), the lowest (confidence, share of our beats on a true beat):`);
  for (const t of train.slice(0, 12)) console.log(`${line(t.name, t.conf)}  ${t.onBeat.toFixed(2)}`);
  const q = (p: number) => train[Math.floor(p * (train.length - 1))]?.conf.toFixed(3);
  console.log(`  quantiles: 1% ${q(0.01)}  5% ${q(0.05)}  50% ${q(0.5)}`);
  const mean = (xs: typeof train) =>
    (xs.reduce((s, x) => s + x.onBeat, 0) / Math.max(1, xs.length)).toFixed(3);
  const low = train.filter((t) => t.conf < PHRASE_BELOW);
  const high = train.filter((t) => t.conf >= PHRASE_BELOW);
  console.log(
    `  our beats on a true beat: below the threshold ${mean(low)} (${low.length} songs), above ${mean(high)} (${high.length})`,
  );
}

const sanity = join(process.env.SANITY_DIR ?? join(tmpdir(), 'beatframe-audio-sanity'), 'ufoai', 'music');
const real = ['/usr/share/games/singularity/music', sanity]
  .filter((d) => existsSync(d))
  .flatMap((d) =>
    readdirSync(d, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ogg'))
      .map((f) => join(d, f)),
  );
if (real.length) {
  let below = 0;
  console.log(`real recordings (${real.length}; bench/sanity.ts unpacks ufoai's), below the threshold:`);
  for (const f of real) {
    const conf = (await analyzeAudio(f)).tempoConfidence;
    if (conf < PHRASE_BELOW) {
      below++;
      console.log(line(basename(f), conf));
    }
  }
  console.log(`  ${below} of ${real.length} on the phrase level`);
}
