import type { IncomingMessage } from 'node:http';
import { type PictureFormat, pictureFormatOf, pictureMaker } from './pictures.js';

/**
 * The OpenAI Images API (`POST /v1/images/generations` JSON, `POST /v1/images/edits` multipart), shaped after the
 * official SDK's types (openai/resources/images.d.ts, SDK 7.57): GPT image models answer `{created, background,
 * data: [{b64_json}], output_format, quality, size, usage}`; bad values are 400 `invalid_request_error` naming the
 * param; a refused prompt is 400 `image_generation_user_error` / `moderation_blocked`, as the live API sends it.
 * Mounted by the OpenAI emulator (openai-videos.ts), which does the key checks and the armed faults.
 */

export interface OpenAIImagesOptions {
  /** Models it serves (fixed-size GPT image models, and the any-size ones in `freeSizeModels`). */
  imageModels?: string[];
  /** Models that take any WIDTHxHEIGHT within OpenAI's limits (multiples of 16, 1:3–3:1, 0.65–8.3 MP). */
  freeSizeModels?: string[];
  /** Models it answers 404 model_not_found for (gpt-image-1 was shut down on 2026-10-23). */
  retiredImageModels?: string[];
  /** Prompts containing any of these words are refused (400 moderation_blocked). */
  blockedWords?: string[];
}

/** One image request as the emulator received it (for tests to check what travelled). */
export interface ImageRequestRecord {
  route: 'generations' | 'edits';
  model: string;
  prompt: string;
  size?: string;
  quality?: string;
  output_format?: string;
  input_fidelity?: string;
  /** The uploaded images of an edit, in order. */
  images: Array<{ filename: string; contentType: string; bytes: Buffer }>;
}

export interface ImageAnswer {
  status: number;
  body: unknown;
}

const FIXED_SIZES = ['1024x1024', '1536x1024', '1024x1536'];
const QUALITIES = ['low', 'medium', 'high', 'auto'];
/** gpt-image-2.5's extra quality steps. */
const QUALITIES_25 = [...QUALITIES, 'xhigh', 'max'];
const FORMATS = ['png', 'jpeg', 'webp'];
/** Output image tokens by quality for a 1024x1024 image (OpenAI's published counts; larger sizes scale by area). */
const OUTPUT_TOKENS: Record<string, number> = { low: 272, medium: 1056, high: 4160, xhigh: 6240, max: 8320 };
const MAX_IMAGES = 16;

export const DEFAULT_IMAGE_MODELS = [
  'gpt-image-1.5',
  'gpt-image-1-mini',
  'gpt-image-2',
  'gpt-image-2.5-sunburst',
  'gpt-image-2.5-flare',
  'chatgpt-image-latest',
];
const DEFAULT_FREE_SIZE = ['gpt-image-2', 'gpt-image-2.5-sunburst', 'gpt-image-2.5-flare'];

function errorBody(message: string, type: string, param: string | null, code: string | null) {
  return { error: { message, type, param, code } };
}
const invalid = (param: string, message: string): ImageAnswer => ({
  status: 400,
  body: errorBody(message, 'invalid_request_error', param, 'invalid_value'),
});
const quoted = (xs: string[]) => xs.map((x) => `'${x}'`).join(', ');

/** Why a free-size model refuses `size`, or undefined when it takes it. */
function freeSizeProblem(size: string): string | undefined {
  const m = /^(\d+)x(\d+)$/.exec(size);
  if (!m) return 'must be WIDTHxHEIGHT or auto';
  const [w, h] = [Number(m[1]), Number(m[2])];
  if (w % 16 || h % 16) return 'width and height must both be divisible by 16';
  if (Math.max(w, h) / Math.min(w, h) > 3) return 'the aspect ratio must be between 1:3 and 3:1';
  if (Math.max(w, h) > 3840) return 'the longest edge must be at most 3840 pixels';
  if (w * h < 655_360 || w * h > 8_294_400) return 'the image must have between 655,360 and 8,294,400 pixels';
  return undefined;
}

async function formOf(req: IncomingMessage, raw: Buffer) {
  return new Request('http://x/', {
    method: 'POST',
    headers: { 'content-type': String(req.headers['content-type'] ?? '') },
    body: new Uint8Array(raw),
  }).formData();
}

export function openAIImagesRoutes(dir: string, opts: OpenAIImagesOptions = {}) {
  const models = opts.imageModels ?? DEFAULT_IMAGE_MODELS;
  const freeSize = new Set(opts.freeSizeModels ?? DEFAULT_FREE_SIZE);
  const retired = opts.retiredImageModels ?? ['gpt-image-1', 'dall-e-2', 'dall-e-3'];
  const blocked = (opts.blockedWords ?? []).map((w) => w.toLowerCase());
  const picture = pictureMaker(dir);
  const requests: ImageRequestRecord[] = [];
  const stats = { generations: 0, edits: 0, moderationRefusals: 0 };

  /** The parameters of either route, as strings, plus an edit's uploads. */
  async function read(route: ImageRequestRecord['route'], req: IncomingMessage, raw: Buffer) {
    const fields: Record<string, string> = {};
    const images: ImageRequestRecord['images'] = [];
    if (route === 'generations') {
      const json = JSON.parse(raw.toString() || '{}') as Record<string, unknown>;
      for (const [k, v] of Object.entries(json)) if (v !== null && v !== undefined) fields[k] = String(v);
      return { fields, images };
    }
    for (const [k, v] of (await formOf(req, raw)).entries()) {
      if (typeof v === 'string') fields[k] = v;
      // The SDK sends an array of images as `image[]`; one image as `image`.
      else if (k === 'image' || k === 'image[]')
        images.push({ filename: v.name, contentType: v.type, bytes: Buffer.from(await v.arrayBuffer()) });
    }
    return { fields, images };
  }

  async function answer(route: ImageRequestRecord['route'], req: IncomingMessage, raw: Buffer) {
    if (route === 'edits' && !String(req.headers['content-type']).startsWith('multipart/form-data'))
      return invalid(
        'image',
        "Invalid content type: image edits take multipart/form-data with an 'image' file.",
      );
    const { fields, images } = await read(route, req, raw);
    const model = fields.model ?? '';
    if (!fields.prompt)
      return {
        status: 400,
        body: errorBody(
          "Missing required parameter: 'prompt'.",
          'invalid_request_error',
          'prompt',
          'missing_required_parameter',
        ),
      };
    if (retired.includes(model))
      return {
        status: 404,
        body: errorBody(
          `The model '${model}' does not exist or you do not have access to it.`,
          'invalid_request_error',
          'model',
          'model_not_found',
        ),
      };
    if (!models.includes(model))
      return invalid('model', `Invalid value: '${model}'. Supported values are: ${quoted(models)}.`);
    const size = fields.size ?? 'auto';
    if (size !== 'auto') {
      const problem = freeSize.has(model)
        ? freeSizeProblem(size)
        : FIXED_SIZES.includes(size)
          ? undefined
          : `Supported values are: ${quoted([...FIXED_SIZES, 'auto'])}`;
      if (problem) return invalid('size', `Invalid value: '${size}'. ${problem}.`);
    }
    const qualities = model.startsWith('gpt-image-2.5') ? QUALITIES_25 : QUALITIES;
    const quality = fields.quality ?? 'auto';
    if (!qualities.includes(quality))
      return invalid('quality', `Invalid value: '${quality}'. Supported values are: ${quoted(qualities)}.`);
    const format = (fields.output_format ?? 'png') as PictureFormat;
    if (!FORMATS.includes(format))
      return invalid(
        'output_format',
        `Invalid value: '${format}'. Supported values are: ${quoted(FORMATS)}.`,
      );
    const n = Number(fields.n ?? 1);
    if (!(Number.isInteger(n) && n >= 1 && n <= 10))
      return invalid('n', `Invalid value: ${fields.n}. Must be between 1 and 10.`);
    if (route === 'edits') {
      if (!images.length)
        return {
          status: 400,
          body: errorBody(
            "Missing required parameter: 'image'.",
            'invalid_request_error',
            'image',
            'missing_required_parameter',
          ),
        };
      if (images.length > MAX_IMAGES)
        return invalid(
          'image',
          `Too many images: ${images.length}. You can provide up to ${MAX_IMAGES} images.`,
        );
      const bad = images.find((i) => !pictureFormatOf(i.bytes));
      if (bad)
        return invalid(
          'image',
          `Invalid file 'image': unsupported mimetype ('${bad.contentType || 'application/octet-stream'}'). Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.`,
        );
      const fidelity = fields.input_fidelity;
      if (
        fidelity &&
        (model.startsWith('gpt-image-2') || (model === 'gpt-image-1-mini' && fidelity !== 'low'))
      )
        return invalid(
          'input_fidelity',
          `input_fidelity '${fidelity}' is not supported for model '${model}'.`,
        );
    } else if (fields.input_fidelity) {
      return invalid('input_fidelity', "Unknown parameter: 'input_fidelity'.");
    }
    requests.push({
      route,
      model,
      prompt: fields.prompt,
      images,
      ...(fields.size ? { size: fields.size } : {}),
      ...(fields.quality ? { quality: fields.quality } : {}),
      ...(fields.output_format ? { output_format: fields.output_format } : {}),
      ...(fields.input_fidelity ? { input_fidelity: fields.input_fidelity } : {}),
    });
    const lower = fields.prompt.toLowerCase();
    if (blocked.some((w) => lower.includes(w))) {
      stats.moderationRefusals++;
      return {
        status: 400,
        body: {
          error: {
            ...errorBody(
              `Your request was rejected by the safety system. If you believe this is an error, contact us at help.openai.com and include the request ID req_${Date.now().toString(16)}. safety_violations=[violence].`,
              'image_generation_user_error',
              null,
              'moderation_blocked',
            ).error,
            moderation_details: { moderation_stage: 'input', categories: ['violence'] },
          },
        },
      };
    }
    stats[route]++;
    const made = size === 'auto' ? '1024x1024' : size;
    const q = quality === 'auto' ? 'medium' : quality;
    const [w, h] = made.split('x').map(Number) as [number, number];
    const outputTokens = Math.round((OUTPUT_TOKENS[q] ?? 1056) * ((w * h) / (1024 * 1024)));
    const textTokens = Math.ceil(fields.prompt.length / 4);
    const imageTokens = images.length * 323;
    const pics = await Promise.all(Array.from({ length: n }, () => picture(made, format, images[0]?.bytes)));
    return {
      status: 200,
      body: {
        created: Math.floor(Date.now() / 1000),
        background: 'opaque',
        data: pics.map((p) => ({ b64_json: p.toString('base64') })),
        output_format: format,
        quality: q,
        size: made,
        usage: {
          input_tokens: textTokens + imageTokens,
          input_tokens_details: { image_tokens: imageTokens, text_tokens: textTokens },
          output_tokens: outputTokens,
          output_tokens_details: { image_tokens: outputTokens, text_tokens: 0 },
          total_tokens: textTokens + imageTokens + outputTokens,
        },
      },
    };
  }

  return { answer, requests, stats };
}
