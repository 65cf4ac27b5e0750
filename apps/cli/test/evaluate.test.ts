import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvaluationReport } from '@beatframe/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/index.js';
import { io } from './support/io.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-cli-evaluate-'));
const song = join(dir, 'clicks.wav');
const video = join(dir, 'video.mp4');
const srcs = [
  'testsrc2',
  'gradients=c0=0x2040ff:c1=0xffffff:speed=0.03:seed=3',
  'cellauto=rule=30:random_seed=4',
  'gradients=c0=0xff2020:c1=0x202020:speed=0.05:seed=5',
];
const lavfi = (s: string) => `${s.includes('=') ? `${s}:` : `${s}=`}s=160x90:r=30,format=yuv420p`;
const ff = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);

beforeAll(() => {
  // 8 s of a 120 bpm click track, and a video made without beatframe: four 2 s shots cut on beats.
  ff(['-f', 'lavfi', '-i', "aevalsrc='0.8*sin(2*PI*1000*t)*exp(-60*mod(t,0.5))':s=22050:d=8", song]);
  ff([
    ...srcs.flatMap((s) => ['-f', 'lavfi', '-i', `${lavfi(s)},trim=end_frame=60`]),
    '-i',
    song,
    '-filter_complex',
    '[0:v][1:v][2:v][3:v]concat=n=4:v=1:a=0[v]',
    '-map',
    '[v]',
    '-map',
    '4:a',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-shortest',
    video,
  ]);
});

describe('beatframe evaluate', () => {
  it('prints the summary and writes report.json and plot.png with --out', async () => {
    const t = io();
    const out = join(dir, 'out');
    expect(await main(['evaluate', video, '--song', song, '--out', out, '--no-vision'], t.io)).toBe(0);
    const text = t.out.join('');
    expect(text).toMatch(/^Score \d\.\d\d — passed/);
    expect(text).toMatch(/Cuts: 3 hard, 100% on beats/);
    const report = EvaluationReport.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    expect(report.metrics.cutCount).toBe(3);
    expect(readFileSync(join(out, 'plot.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(t.err.join('')).toContain(`report: ${join(out, 'report.json')}`);
  });

  it('prints the report as JSON, and honours thresholds with --check', async () => {
    const t = io();
    expect(
      await main(
        ['evaluate', video, '--song', song, '--json', '--no-vision', '--min-score', '1', '--check'],
        t.io,
      ),
    ).toBe(1);
    const report = EvaluationReport.parse(JSON.parse(t.out.join('')));
    expect(report.passed).toBe(false);
    expect(report.thresholds?.minScore).toBe(1);
    expect(t.err.join('')).toMatch(/beatframe: the video is below the thresholds \(score 0\.\d\d\)\n/);
  });

  it('plans the next round with --plan: an off-beat cut is re-cut onto the beat', async () => {
    // The same four shots, the third starting at frame 129 (4.3 s): 200 ms off the beat.
    const offbeat = join(dir, 'offbeat.mp4');
    const lens = [60, 69, 51, 60];
    ff([
      ...srcs.flatMap((s, i) => ['-f', 'lavfi', '-i', `${lavfi(s)},trim=end_frame=${lens[i]}`]),
      '-i',
      song,
      '-filter_complex',
      '[0:v][1:v][2:v][3:v]concat=n=4:v=1:a=0[v]',
      '-map',
      '[v]',
      '-map',
      '4:a',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-shortest',
      offbeat,
    ]);
    const starts = [0, 60, 129, 180];
    const timeline = join(dir, 'timeline.json');
    writeFileSync(
      timeline,
      JSON.stringify({
        version: 1,
        fps: 30,
        width: 160,
        height: 90,
        durationFrames: 240,
        audio: { src: song, durationSec: 8 },
        beatFrames: Array.from({ length: 16 }, (_, i) => i * 15),
        items: starts.map((s, i) => ({
          id: `item${i + 1}`,
          shotId: `s${i + 1}`,
          src: `clip${i + 1}.mp4`,
          startFrame: s,
          durationFrames: (starts[i + 1] ?? 240) - s,
          clipDurationSec: 3,
        })),
      }),
    );
    const t = io();
    const argv = ['evaluate', offbeat, '--song', song, '--no-vision', '--timeline', timeline, '--plan'];
    expect(await main([...argv, '--min-on-beat', '0.9'], t.io)).toBe(0);
    const text = t.out.join('');
    expect(text).toMatch(/Cuts: 3 hard, 67% on beats/);
    // The click is 200 ms away; the tracker places beats up to ~15 ms early (its onset-to-beat offset).
    expect(text).toMatch(
      /Revisions:\n {2}- re-cut s3: start frame 129 → 135 \(cut at 4\.30 s is (18[5-9]|19\d|20\d) ms off the beat\)\n/,
    );
    const u = io();
    expect(await main([...argv, '--json'], u.io)).toBe(0);
    expect(JSON.parse(u.out.join('')).revisions).toEqual([]);
    const v = io();
    expect(await main(['evaluate', offbeat, '--song', song, '--plan'], v.io)).toBe(2);
    expect(v.err.join('')).toMatch(/beatframe: --plan needs --timeline/);
  });

  it('answers bad input with one line and exit 2', async () => {
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'hello');
    const cases: Array<[string[], RegExp]> = [
      [['evaluate', video], /^beatframe: required option '--song <file>' not specified\n$/],
      [['evaluate', notes, '--song', song], /^beatframe: .*notes\.txt is not a readable media file\n$/],
      [
        ['evaluate', video, '--song', song, '--min-score', '2'],
        /^beatframe: --min-score must be a number from 0 to 1, got "2"\n$/,
      ],
      [['evaluate', video, '--song', song, '--analysis', notes], /^beatframe: .*notes\.txt is not JSON\n$/],
    ];
    for (const [argv, message] of cases) {
      const t = io();
      expect(await main(argv, t.io)).toBe(2);
      expect(t.err.join('').replace(/evaluate (\d+)% .*\n/g, '')).toMatch(message);
    }
  });
});
