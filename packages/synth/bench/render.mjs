// Prints how fast songs render (wall time; the machine may be shared, so rerun when numbers matter).
import { arrangeSong, benchmarkSuite, demoSong, encodeWav, renderSong } from '../dist/index.js';

function time(fn, runs = 3) {
  const ms = [];
  let out;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    out = fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { out, best: ms[0], median: ms[Math.floor(runs / 2)] };
}

renderSong(demoSong(), { sampleRate: 22050 }); // warm up the JIT
const demo = time(() => renderSong(demoSong()));
const dur = demo.out.truth.durationSec;
console.log(
  `demo song (${dur.toFixed(1)} s, 44.1 kHz): render best ${demo.best.toFixed(0)} ms, median ${demo.median.toFixed(0)} ms ` +
    `(${(dur / (demo.best / 1000)).toFixed(0)}× real time)`,
);
const wav = time(() => encodeWav(demo.out));
console.log(`encode WAV: ${wav.best.toFixed(0)} ms`);
const arr = time(() => arrangeSong(demoSong()), 5);
console.log(`arrange + truth only: ${arr.best.toFixed(1)} ms`);
let total = 0;
let audio = 0;
for (const b of benchmarkSuite()) {
  const r = time(() => renderSong(b.spec), 1);
  total += r.best;
  audio += r.out.truth.durationSec;
}
console.log(
  `benchmark suite (${benchmarkSuite().length} songs, ${audio.toFixed(0)} s of audio): ${total.toFixed(0)} ms`,
);
