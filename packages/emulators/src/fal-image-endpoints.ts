/**
 * The image apps the fal emulator serves, after their schemas on fal's model pages: FLUX dev/schnell take
 * `image_size` as a preset or `{width, height}` and answer `{images: [{url, width, height, content_type}], seed,
 * has_nsfw_concepts, timings}` (a flagged image comes back black, not as an error); Seedream 4 takes `{width,
 * height}` from 1024 to 4096 and its edit endpoint `image_urls` (1 to 10). Inputs are checked when the request
 * runs, a 422 with Pydantic's `detail` list, as fal's apps do.
 */

export interface ImageJob {
  size: string;
  format: 'png' | 'jpeg';
  /** The first reference's bytes (the emulator cover-fits it, so a test sees it travelled). */
  reference?: Buffer;
  references: number;
  /** FLUX's safety checker flagged it: a black image and `has_nsfw_concepts: [true]`. */
  nsfw: boolean;
  flux: boolean;
}
type Issue = { loc: string[]; msg: string; type: string };

const FLUX_PRESETS: Record<string, string> = {
  square_hd: '1024x1024',
  square: '512x512',
  portrait_4_3: '768x1024',
  portrait_16_9: '576x1024',
  landscape_4_3: '1024x768',
  landscape_16_9: '1024x576',
};
const SEEDREAM_PRESETS: Record<string, string> = {
  square_hd: '2048x2048',
  square: '2048x2048',
  portrait_4_3: '1536x2048',
  portrait_16_9: '1152x2048',
  landscape_4_3: '2048x1536',
  landscape_16_9: '2048x1152',
};

interface ImageSpec {
  presets: Record<string, string>;
  /** Custom sizes allowed per side. */
  side: [number, number];
  references?: [number, number];
  formats?: string[];
  steps?: [number, number];
}

export const FAL_IMAGE_ENDPOINTS: Record<string, ImageSpec> = {
  'fal-ai/flux/dev': { presets: FLUX_PRESETS, side: [256, 1440], formats: ['jpeg', 'png'], steps: [1, 50] },
  'fal-ai/flux/schnell': {
    presets: FLUX_PRESETS,
    side: [256, 1440],
    formats: ['jpeg', 'png'],
    steps: [1, 12],
  },
  'fal-ai/bytedance/seedream/v4/text-to-image': { presets: SEEDREAM_PRESETS, side: [1024, 4096] },
  'fal-ai/bytedance/seedream/v4/edit': { presets: SEEDREAM_PRESETS, side: [1024, 4096], references: [1, 10] },
};

function bytesOfDataUri(uri: unknown): Buffer | undefined {
  const m = typeof uri === 'string' ? /^data:image\/(png|jpeg|webp);base64,(.+)$/.exec(uri) : null;
  return m ? Buffer.from(m[2]!, 'base64') : undefined;
}

/** Checks an image request's input as the app would: the job to render, or the 422 issues. */
export function imageJobOf(
  endpoint: string,
  input: Record<string, unknown>,
  nsfwWords: string[],
): ImageJob | { issues: Issue[] } {
  const spec = FAL_IMAGE_ENDPOINTS[endpoint]!;
  const issues: Issue[] = [];
  if (typeof input.prompt !== 'string' || !input.prompt)
    issues.push({ loc: ['body', 'prompt'], msg: 'field required', type: 'value_error.missing' });
  let size: string | undefined;
  const want = input.image_size ?? 'landscape_4_3';
  if (typeof want === 'string') size = spec.presets[want];
  else if (want && typeof want === 'object') {
    const { width, height } = want as { width?: number; height?: number };
    const ok = (n: unknown) =>
      Number.isInteger(n) && (n as number) >= spec.side[0] && (n as number) <= spec.side[1];
    if (ok(width) && ok(height)) size = `${width}x${height}`;
  }
  if (!size)
    issues.push({
      loc: ['body', 'image_size'],
      msg: `must be one of ${Object.keys(spec.presets).join(', ')} or {width, height} from ${spec.side[0]} to ${spec.side[1]}`,
      type: 'value_error',
    });
  const format = String(input.output_format ?? (spec.formats ? 'jpeg' : 'png'));
  if (spec.formats && !spec.formats.includes(format))
    issues.push({ loc: ['body', 'output_format'], msg: 'unexpected value', type: 'type_error.enum' });
  if (spec.steps && input.num_inference_steps !== undefined) {
    const n = Number(input.num_inference_steps);
    if (!(n >= spec.steps[0] && n <= spec.steps[1]))
      issues.push({ loc: ['body', 'num_inference_steps'], msg: 'out of range', type: 'value_error.number' });
  }
  const urls = input.image_urls;
  if (spec.references) {
    const list = Array.isArray(urls) ? urls : [];
    const [min, max] = spec.references;
    if (list.length < min || list.length > max)
      issues.push({
        loc: ['body', 'image_urls'],
        msg: `from ${min} to ${max} images`,
        type: 'value_error.list',
      });
    if (list.some((u) => !bytesOfDataUri(u)))
      issues.push({ loc: ['body', 'image_urls'], msg: 'not a readable image', type: 'value_error.url' });
  } else if (urls !== undefined) {
    issues.push({
      loc: ['body', 'image_urls'],
      msg: 'extra fields not permitted',
      type: 'value_error.extra',
    });
  }
  if (issues.length) return { issues };
  const prompt = String(input.prompt).toLowerCase();
  const list = Array.isArray(urls) ? urls : [];
  const reference = bytesOfDataUri(list[0]);
  return {
    size: size!,
    format: format === 'png' ? 'png' : 'jpeg',
    references: list.length,
    ...(reference ? { reference } : {}),
    nsfw:
      !!spec.formats && input.enable_safety_checker !== false && nsfwWords.some((w) => prompt.includes(w)),
    flux: !!spec.formats,
  };
}
