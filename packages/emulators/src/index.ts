export {
  closeServer,
  type DownloadFaults,
  downloadFaults,
  type FaultQueue,
  faultQueue,
  listenLocal,
  makeTestClip,
  readBody,
  readBodyBytes,
  sendClip,
  sendJson,
} from './http.js';
export {
  type EmulatedVideo,
  type HttpFault,
  type OpenAIVideosEmulator,
  type OpenAIVideosEmulatorOptions,
  type Route,
  startOpenAIVideosEmulator,
  type VideoStatus,
} from './openai-videos.js';
export { benchRoundtrip, type RoundtripBench } from './roundtrip.js';
export { errorOf, makeTestStill } from './testing.js';
