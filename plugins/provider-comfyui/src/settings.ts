import { providerSettingsSchema } from '@beatframe/core';
import { z } from 'zod';

const Workflows = z.union([
  z.string().min(1),
  z
    .object({ t2v: z.string().min(1).optional(), i2v: z.string().min(1).optional() })
    .strict()
    .refine((w) => w.t2v || w.i2v, 'give a t2v or an i2v workflow path'),
]);

/** Config `providers.comfyui`: checked when the provider is made, so a typo fails at once on one line. */
export const ComfyUISettings = providerSettingsSchema({
  /** Provider name (another instance for a second server, say `comfyui-2`). */
  name: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes')
    .optional(),
  /** The ComfyUI server, e.g. http://127.0.0.1:8188; else the COMFYUI_URL environment variable. */
  baseUrl: z.url().optional(),
  baseUrlEnv: z.string().min(1).optional(),
  /** Environment variable with a bearer token for a server behind an authenticating proxy (default COMFYUI_TOKEN). */
  tokenEnv: z.string().min(1).optional(),
  /** Default model: a bundled one (ltx-video, wan-2.2-14b, wan-2.2-5b) or one of `workflows`. */
  model: z.string().min(1).optional(),
  /**
   * Your own workflows by model id: a path to an API-format workflow (with `<name>.mapping.json` beside it), or
   * `{ t2v, i2v }` paths. Relative paths resolve against the working folder.
   */
  workflows: z
    .record(z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'model ids are lower-case'), Workflows)
    .optional(),
  /** Prompts in flight at once (one GPU runs one; a second keeps it busy while the first downloads). */
  concurrency: z.number().int().positive().optional(),
  rpm: z.number().int().positive().optional(),
  pollIntervalMs: z.number().int().positive().optional(),
  /** Follow progress over the server's WebSocket (default true); false polls /queue and /history only. */
  websocket: z.boolean().optional(),
  /** Subfolder of ComfyUI's input folder that start and end images are uploaded to. */
  uploadSubfolder: z
    .string()
    .regex(/^[\w.-]+$/, 'one folder name')
    .optional(),
  /** Per-request timeout, ms. */
  timeoutMs: z.number().int().positive().optional(),
  downloadAttempts: z.number().int().positive().optional(),
});
export type ComfyUISettings = z.infer<typeof ComfyUISettings>;
