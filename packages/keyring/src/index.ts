export {
  fingerprint,
  KeyHealth,
  type KeyState,
  nextUtcMidnight,
  type RingStatus,
  ringKeys,
  ringStatus,
  ringVariable,
} from './ring.js';
export { defaultKeyHealth, type KeyRingOptions, withKeyRing } from './wrap.js';
