/**
 * fast-check arbitraries for every API request body, shared by the fast property tests (`npm test`)
 * and the bigger run (`pnpm --filter @beatframe/api fuzz`). Each mixes values a careful client sends
 * with what an attacker or a careless one does: paths, NUL bytes, broken Unicode, huge and odd numbers,
 * wrong types, extra fields.
 */
import fc from 'fast-check';

export const HOSTILE_STRINGS = [
  '/etc/passwd',
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  'file:///etc/passwd',
  'a\u0000b',
  '\u0000',
  '\ud800',
  'x\udfffy',
  '😀🎵',
  'مرحبا',
  'e\u0301',
  '<script>alert(1)</script>',
  "'; DROP TABLE projects; --",
  '%00',
  '%2e%2e%2f',
  ' ',
  '',
  'x'.repeat(5000),
  'http://127.0.0.1/a.mp3',
  'http://[::1]/a.mp3',
  'http://169.254.169.254/latest/meta-data',
  'http://0x7f000001/',
  'http://2130706433/',
  'http://192.0.2.2/',
  '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b',
  'https://suno.com/song/3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b',
  'local',
  'ffmpeg',
  'remotion',
  'heuristic',
  '16:9',
  '720p',
];

export const HOSTILE_NUMBERS = [
  0,
  -0,
  -1,
  -5,
  0.5,
  1,
  3,
  10,
  11,
  86_400,
  86_401,
  1e6,
  1e9,
  1e12,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_VALUE,
  2 ** 53 + 1,
];

/** Any JSON value, biased to the hostile ones. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...HOSTILE_STRINGS), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }) },
);

/** An object with some of `keys` (each a hostile value) and sometimes an extra one. */
function bodyOf(keys: string[]): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.fromEntries(keys.map((k) => [k, hostileValue]));
  return fc
    .tuple(
      fc.record(entries, { requiredKeys: [] }),
      fc.option(fc.tuple(fc.string({ maxLength: 12 }), hostileValue), { nil: undefined }),
    )
    .map(([body, extra]) => (extra ? { ...body, [extra[0]]: extra[1] } : body));
}

const PROJECT_FIELDS = [
  'theme',
  'provider',
  'model',
  'crew',
  'renderer',
  'aspect',
  'resolution',
  'maxRounds',
  'captions',
  'titleCard',
  'title',
  'artist',
  'name',
  'maxCostUsd',
  'approvedUsd',
];

/** Every JSON body schema of the API, by route. */
export const BODIES: Record<
  string,
  { method: 'POST'; path: (id: string) => string; body: fc.Arbitrary<unknown> }
> = {
  'create (JSON)': {
    method: 'POST',
    path: () => '/api/projects',
    body: bodyOf([...PROJECT_FIELDS, 'url', 'sunoId']),
  },
  estimate: {
    method: 'POST',
    path: () => '/api/estimate',
    body: bodyOf(['provider', 'model', 'durationSec', 'aspect', 'resolution']),
  },
  regenerate: {
    method: 'POST',
    path: (id) => `/api/projects/${id}/shots/shot-1/regenerate`,
    body: bodyOf(['prompt']),
  },
  resume: { method: 'POST', path: (id) => `/api/projects/${id}/resume`, body: bodyOf(['approvedUsd']) },
  approve: { method: 'POST', path: (id) => `/api/projects/${id}/approve`, body: bodyOf(['maxUsd']) },
};

/** Multipart create: every field a string (as forms send them), hostile or not. */
export const multipartFields: fc.Arbitrary<Record<string, string | undefined>> = fc.record(
  Object.fromEntries(
    PROJECT_FIELDS.map((k) => [
      k,
      fc.oneof(
        fc.constantFrom(...HOSTILE_STRINGS.filter((s) => !s.includes('\u0000') && s.length < 1000)),
        fc.constantFrom(...HOSTILE_NUMBERS.map(String)),
      ),
    ]),
  ),
  { requiredKeys: [] },
);

/** Ids as they arrive in a URL: hostile, then percent-encoded. */
export const hostileId: fc.Arbitrary<string> = fc
  .oneof(fc.constantFrom(...HOSTILE_STRINGS.filter((s) => s.length < 100)), fc.string({ maxLength: 20 }))
  .map((s) => {
    try {
      return encodeURIComponent(s) || 'x';
    } catch {
      return '%ED%A0%80'; // half a surrogate pair, as its UTF-8-like bytes
    }
  });
