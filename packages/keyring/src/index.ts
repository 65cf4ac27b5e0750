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
export { defaultKeyHealth, type KeyRingOptions, withImageKeyRing, withKeyRing } from './wrap.js';
