export { type AnalyzeOptions, analyzeAudio, analyzeFeatures, analyzeSamples } from './analyze.js';
export { ANALYSIS_SAMPLE_RATE, type DecodeOptions, decodeAudio } from './decode.js';
export { computeFeatures, type Features } from './dsp/spectrum.js';
export { type IngestOptions, ingestSong, type ValidateAudioOptions, validateAudio } from './ingest.js';
export { parseLrc, parseLyricsText, parseSunoAlignedLyrics, readLyricsFile } from './lyrics.js';
export { checkPublicUrl, downloadTo, type FetchLimits, isPrivateAddress } from './net.js';
export { resolveSunoSong, type SunoClip, type SunoMetadata, type SunoOptions, sunoSongId } from './suno.js';
