/**
 * Scores a third-party set with a held-out half beside aubio and music-tempo in one run (mir_eval) and
 * prints it: train rows (only the misses unless BENCH_ALL=1), never a held-out row, then the means per
 * slice and per source. Shared by bench/unseen.ts and bench/styles.ts.
 */
import * as audio from '@beatframe/audio';
import type { CorpusSong } from './corpus.ts';
import { mirEval } from './mir-eval.ts';
import { cachedPeers, type PeerRun } from './peers.ts';

export interface SourcedSong extends CorpusSong {
  /** The group the means are printed for besides the two slices (a package, a library). */
  source: string;
}

interface Row {
  beatF: Record<string, number>;
  amlt: Record<string, number>;
  downbeatF?: number;
}

/** Analyses, scores and prints `songs` (BENCH_IMPL, BENCH_PEERS=0, BENCH_ALL=1, BENCH_SLICE=train). */
export async function reportHeldOutSet(all: SourcedSong[]): Promise<void> {
  // While tuning, the held-out half is not even analysed.
  const songs = process.env.BENCH_SLICE === 'train' ? all.filter((s) => !s.heldOut) : all;
  const impl = (process.env.BENCH_IMPL ? await import(process.env.BENCH_IMPL) : audio) as typeof audio;
  const peersOn = process.env.BENCH_PEERS !== '0';
  const tracks: unknown[] = [];
  const meta: string[] = [];
  for (const [i, s] of songs.entries()) {
    process.stderr.write(`\r${i + 1}/${songs.length} ${s.name.padEnd(40)}`);
    const a = await impl.analyzeAudio(s.audio);
    const p: PeerRun = peersOn
      ? await cachedPeers(s.audio, (f) => impl.decodeAudio(f, { sampleRate: 44_100 }))
      : {};
    meta.push(
      `${s.name.padEnd(36)} ${String(s.bpm).padStart(3)}/${s.beatsPerBar}  ours ${a.bpm.toFixed(0).padStart(4)} ${a.meter.beatsPerBar}/${a.meter.beatUnit}  ${s.damage.padEnd(30)}`,
    );
    tracks.push({
      name: s.name,
      refBeats: s.beats,
      beats: { ours: a.beats, ...(p.aubio ? { aubio: p.aubio } : {}), ...(p.mt ? { musicTempo: p.mt } : {}) },
      refDownbeats: s.downbeats,
      downbeats: a.downbeats,
    });
  }
  process.stderr.write(`\r${''.padEnd(50)}\r`);
  const rows = mirEval<Row>(tracks);
  const f3 = (x: number | undefined) => (x === undefined ? '  -  ' : x.toFixed(3));
  const systems = ['ours', 'aubio', 'musicTempo'];
  // Held-out rows are never printed: only their means.
  rows.forEach((r, i) => {
    const s = songs[i] as SourcedSong;
    if (s.heldOut || ((r.beatF.ours as number) >= 0.95 && process.env.BENCH_ALL !== '1')) return;
    console.log(
      `${meta[i]} F ${systems.map((k) => f3(r.beatF[k])).join(' ')}  AMLt ${systems.map((k) => f3(r.amlt[k])).join(' ')}  downF ${f3(r.downbeatF)}`,
    );
  });
  const groups = new Map<string, number[]>();
  songs.forEach((s, i) => {
    for (const g of [s.heldOut ? 'HELD-OUT' : 'TRAIN', `${s.heldOut ? 'held' : 'train'} ${s.source}`, 'ALL'])
      groups.set(g, [...(groups.get(g) ?? []), i]);
  });
  console.log(
    `\n${'group'.padEnd(22)} songs   beat F (ours aubio m-t)     AMLt (ours aubio m-t)     downbeat F`,
  );
  for (const [g, idx] of [...groups.entries()].sort()) {
    const mean = (pick: (r: Row) => number | undefined) => {
      const v = idx.map((i) => pick(rows[i] as Row)).filter((x): x is number => x !== undefined);
      return v.length ? v.reduce((x, y) => x + y, 0) / v.length : undefined;
    };
    console.log(
      `${g.padEnd(22)} ${String(idx.length).padStart(5)}   ${systems.map((k) => f3(mean((r) => r.beatF[k]))).join(' ')}   ${systems.map((k) => f3(mean((r) => r.amlt[k]))).join(' ')}   ${f3(mean((r) => r.downbeatF))}`,
    );
  }
}
