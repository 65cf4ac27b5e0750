import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@beatframe/core';
import { z } from 'zod';
import { FAULT_CODES } from './faults.js';

/**
 * A site profile: everything site-specific about driving a video website, as data. A changed site is an edit
 * of its profile file, not of this code. Strings in steps may hold `{{prompt}}`, `{{seconds}}`, `{{aspect}}`,
 * `{{resolution}}`, `{{imagePath}}`, `{{jobId}}`, `{{email}}`, `{{password}}` and `{{label.<table>}}` (the
 * site's word for the value, from `labels`). Text matchers written `/…/flags` are regular expressions.
 */

export interface Target {
  role?: string | undefined;
  name?: string | undefined;
  exact?: boolean | undefined;
  label?: string | undefined;
  placeholder?: string | undefined;
  text?: string | undefined;
  testId?: string | undefined;
  /** Last resort: roles and labels survive redesigns better than CSS. */
  css?: string | undefined;
  /** Keeps only the matches that contain this text. */
  hasText?: string | undefined;
  nth?: number | undefined;
  within?: Target | undefined;
}

export const TargetSchema: z.ZodType<Target> = z.lazy(() =>
  z
    .object({
      role: z.string().optional(),
      name: z.string().optional(),
      exact: z.boolean().optional(),
      label: z.string().optional(),
      placeholder: z.string().optional(),
      text: z.string().optional(),
      testId: z.string().optional(),
      css: z.string().optional(),
      hasText: z.string().optional(),
      nth: z.number().int().optional(),
      within: TargetSchema.optional(),
    })
    .strict()
    .refine(
      (t) => ['role', 'label', 'placeholder', 'text', 'testId', 'css'].filter((k) => k in t).length === 1,
      { message: 'a target names exactly one of role, label, placeholder, text, testId, css' },
    ),
);

const When = z.enum(['image', 'noImage']).optional();

export const StepSchema = z.discriminatedUnion('do', [
  z.object({ do: z.literal('goto'), url: z.string(), when: When }).strict(),
  z
    .object({ do: z.literal('click'), target: TargetSchema, optional: z.boolean().optional(), when: When })
    .strict(),
  z
    .object({
      do: z.literal('fill'),
      target: TargetSchema,
      value: z.string(),
      /** The value is a credential: never logged, and its field is masked in screenshots. */
      secret: z.boolean().optional(),
      when: When,
    })
    .strict(),
  z.object({ do: z.literal('check'), target: TargetSchema, when: When }).strict(),
  z.object({ do: z.literal('select'), target: TargetSchema, value: z.string(), when: When }).strict(),
  z.object({ do: z.literal('upload'), target: TargetSchema, value: z.string(), when: When }).strict(),
  z.object({ do: z.literal('press'), key: z.string(), target: TargetSchema.optional(), when: When }).strict(),
  z
    .object({
      do: z.literal('wait'),
      target: TargetSchema,
      state: z.enum(['visible', 'hidden', 'attached']).optional(),
      timeoutMs: z.number().int().positive().optional(),
      when: When,
    })
    .strict(),
]);
export type Step = z.infer<typeof StepSchema>;

/** Something on a page that means a fault: an element, a text, or the URL. */
export const DetectorSchema = z
  .object({
    fault: z.enum(FAULT_CODES),
    target: TargetSchema.optional(),
    url: z.string().optional(),
  })
  .strict()
  .refine((d) => d.target || d.url, { message: 'a fault detector needs a target or a url' });
export type Detector = z.infer<typeof DetectorSchema>;

const JobState = z
  .object({
    state: z.enum(['queued', 'running', 'done', 'failed']),
    target: TargetSchema,
    /** For `failed`: what kind of failure this element means. */
    fault: z.enum(FAULT_CODES).optional(),
    /** Where the percentage is: an attribute of `target` (e.g. aria-valuenow, value) or its text. */
    progress: z
      .object({ attribute: z.string().optional(), scale: z.number().positive().default(100) })
      .optional(),
  })
  .strict();

export const SizeSchema = z.object({ aspect: z.enum(['16:9', '9:16', '1:1']), resolution: z.string() });

export const SiteProfileSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9-]+$/),
    title: z.string(),
    /** The site's address; `baseUrlEnv` (e.g. SORA_BASE_URL) or the `baseUrl` setting replace it. */
    baseUrl: z.string().url(),
    /** Prefix of the credential variables: SORA → SORA_EMAIL, SORA_PASSWORD, SORA_STORAGE_STATE. */
    envPrefix: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
    /** The session cookie's name, so `<PREFIX>_STORAGE_STATE` may hold just its value. */
    sessionCookie: z.string().optional(),
    /** An honest note on the profile: where the markup comes from, when it was last checked. */
    notes: z.string().optional(),
    capabilities: z
      .object({
        durations: z.array(z.number().positive()).min(1),
        sizes: z.record(z.string().regex(/^\d+x\d+$/), SizeSchema),
        imageToVideo: z.boolean(),
        maxPromptChars: z.number().int().positive(),
        audio: z.boolean().default(false),
        /** What one second costs on the account's plan (0 for a subscription's included credits). */
        usdPerSecond: z.number().nonnegative().default(0),
        promptGuide: z.string().optional(),
      })
      .strict(),
    /** The site's words for values, by table: `{{label.seconds}}` is `labels.seconds["5"]`. */
    labels: z.record(z.string(), z.record(z.string(), z.string())).default({}),
    urls: z.object({ compose: z.string(), job: z.string() }).strict(),
    /** Present only when signed in, on the compose page. */
    signedIn: TargetSchema,
    /** Present only on the sign-in page (or dialog). */
    signInPage: TargetSchema,
    login: z.array(StepSchema).min(1),
    /** Present once the composer has loaded; missing after the timeout means the site changed. */
    composer: TargetSchema,
    compose: z.array(StepSchema),
    submit: z.array(StepSchema).min(1),
    /** How the new job is found after submitting: its id from the URL, or from a link on the page. */
    findJob: z
      .object({
        steps: z.array(StepSchema).default([]),
        from: z.enum(['url', 'link']),
        target: TargetSchema.optional(),
        /** A regular expression with one group: the job id, applied to the URL or the link's href. */
        pattern: z.string(),
      })
      .strict(),
    /** Read on the job page, first match wins. */
    status: z.array(JobState).min(1),
    download: z
      .object({
        steps: z.array(StepSchema).default([]),
        /** `click`: the target starts a browser download; `href`: the target's href is fetched with the session. */
        via: z.enum(['click', 'href']),
        target: TargetSchema,
      })
      .strict(),
    /** Pages and messages that mean a fault, checked when a step fails and after sign-in and submission. */
    faults: z.array(DetectorSchema).default([]),
    /** Seconds to wait before submitting again when the site says its queue is full. */
    queueFullRetrySec: z.number().positive().default(120),
    timeouts: z
      .object({
        stepMs: z.number().int().positive().default(15_000),
        landmarkMs: z.number().int().positive().default(20_000),
      })
      .default({ stepMs: 15_000, landmarkMs: 20_000 }),
  })
  .strict();
export type SiteProfile = z.infer<typeof SiteProfileSchema>;

const BUILT_IN: Record<string, string> = {
  sora: fileURLToPath(new URL('../profiles/sora.json', import.meta.url)),
};

/** Reads and validates a profile: a built-in name (`sora`) or a path to a JSON file. */
export function loadProfile(spec: string | SiteProfile): SiteProfile {
  if (typeof spec === 'object') return SiteProfileSchema.parse(spec);
  const path = BUILT_IN[spec] ?? spec;
  if (!existsSync(path))
    throw new ConfigError(
      `web profile "${spec}" is neither a built-in (${Object.keys(BUILT_IN).join(', ')}) nor a file`,
    );
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`web profile ${path} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = SiteProfileSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new ConfigError(
      `web profile ${path} is invalid at ${first.path.map(String).join('.') || '(root)'}: ${first.message}`,
    );
  }
  return parsed.data;
}
