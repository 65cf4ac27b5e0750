export {
  type Arrangement,
  arrangeSong,
  type Instrument,
  type NoteEvent,
  type SongTruth,
  type TruthPhrase,
  type TruthSection,
} from './arrange.js';
export { demoLyricsLrc, demoSong } from './demo.js';
export {
  SYNTH_VERSION,
  type TruthFile,
  type WrittenSong,
  writeBenchmarkSuite,
  writeDemoSong,
  writeSongFiles,
} from './files.js';
export { lyricsLrc, songLyrics } from './lyrics.js';
export { type RenderedSong, type RenderOptions, renderArrangement, renderSong } from './render.js';
export {
  type Groove,
  parseKey,
  parseMeter,
  type ResolvedKey,
  type ResolvedMeter,
  type SectionSpec,
  type SongSpec,
  type TempoPoint,
  validateSpec,
} from './spec.js';
export { type BenchmarkSong, benchmarkSuite } from './suite.js';
export { TempoClock, type TempoMapEntry } from './tempo.js';
export { encodeWav, writeWav } from './wav.js';
