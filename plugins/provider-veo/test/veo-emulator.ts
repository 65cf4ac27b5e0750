// The Gemini API emulator lives in @beatframe/emulators (the pipeline's tests use it too).
export {
  type GeminiImageFault,
  type GoogleFault,
  startVeoEmulator,
  type VeoEmulator,
  type VeoRoute,
} from '@beatframe/emulators';
