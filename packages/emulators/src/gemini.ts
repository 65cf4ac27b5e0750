/** A local Gemini API server (Veo operations, image models) for tests. Over 400 lines because it is one server closure whose routes share the jobs, files and fault queues, as a vendor API does. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from '@beatframe/media';
import { closeEmulator, emulatorFaults, listenLocal, readBody, sendClip, sendJson } from './http.js';
import { jobClip } from './job-clip.js';

/**
 * A local stand-in for the Gemini API's video and image generation (v1beta). Video, shaped after @google/genai's mldev converters
 * and Google's REST reference: `POST /v1beta/models/{model}:predictLongRunning` → an Operation; `GET /v1beta/{name}`
 * until `done`, then `response.generateVideoResponse.generatedSamples[].video.uri`; `GET /v1beta/files/{id}:download`
 * answers 302 to a signed storage link, as Google's does. Images: `POST /v1beta/models/{image model}:generateContent`
 * with text and `inlineData` parts and `generationConfig.responseModalities: ['IMAGE']`, answered synchronously with
 * the picture as an `inlineData` part (at the model's size for `imageConfig.aspectRatio`); a refused prompt comes back
 * as `promptFeedback.blockReason` or a candidate whose `finishReason` is IMAGE_SAFETY, with no image, as Google's does.
 * The picture is the first reference image cover-fitted (so a keyframe visibly carries its references), else a test
 * pattern. Errors are google.rpc.Status bodies. Files are real MP4s and PNGs.
 */

export interface GoogleFault {
  httpStatus: number;
  status: string;
  message: string;
  details?: Array<Record<string, unknown>>;
}

export type VeoRoute = 'create' | 'operation' | 'download' | 'image';

/** How the next image request is refused without an HTTP error (Google answers 200 with no image). */
export type GeminiImageFault = { blockReason: string } | { finishReason: string };

interface Job {
  name: string;
  model: string;
  createdMs: number;
  seconds: number;
  size: string;
  fileId: string;
  file?: Promise<string>;
  ready?: string;
  fail?: { code: number; status: string; message: string };
  filtered?: string[];
}

export interface VeoEmulator {
  /** For `httpOptions.baseUrl` / GOOGLE_GEMINI_BASE_URL (no /v1beta). */
  baseUrl: string;
  apiKey: string;
  stats: {
    submissions: number;
    polls: number;
    downloads: number;
    storageHits: number;
    faultsServed: number;
    /** generateContent calls that made (and charged for) an image. */
    images: number;
  };
  /** The generateContent bodies received for image models, in order. */
  imageBodies: Array<{ model: string; body: GenerateContentBody }>;
  /** The next image request comes back 200 without an image, for this reason. */
  refuseNextImage(fault: GeminiImageFault): void;
  /** The request bodies received at predictLongRunning, in order. */
  bodies: Array<{
    model: string;
    body: { instances: Array<Record<string, unknown>>; parameters: Record<string, unknown> };
  }>;
  failNext(route: VeoRoute, fault: GoogleFault, times?: number): void;
  /** The next operation ends `done` with this error. */
  failNextJob(error: { code: number; status: string; message: string }): void;
  /** The next operation ends `done` with its video withheld by the RAI filters. */
  filterNextJob(reasons: string[]): void;
  /** The next storage fetch answers 400 ExpiredToken (the signed link expired). */
  expireNextDownload(times?: number): void;
  corruptNextDownload(times?: number): void;
  clearFaults(): void;
  close(): Promise<void>;
}

interface GenerateContentBody {
  contents: Array<{
    role?: string;
    parts: Array<{ text?: string; inlineData?: { mimeType?: string; data?: string } }>;
  }>;
  generationConfig?: {
    responseModalities?: string[];
    imageConfig?: { aspectRatio?: string; imageSize?: string };
    seed?: number;
  };
}

/** Image models: the size each aspect ratio comes out at (Google's tables) and how many input images it takes. */
const IMAGE_SIZES: Record<string, string> = {
  '1:1': '1024x1024',
  '2:3': '832x1248',
  '3:2': '1248x832',
  '3:4': '864x1184',
  '4:3': '1184x864',
  '4:5': '896x1152',
  '5:4': '1152x896',
  '9:16': '768x1344',
  '16:9': '1344x768',
  '21:9': '1536x672',
};
const IMAGE_MODELS: Record<string, { maxImages: number }> = {
  'gemini-2.5-flash-image': { maxImages: 3 },
  'gemini-3-pro-image-preview': { maxImages: 14 },
};

const MODELS: Record<string, { durations: number[]; resolutions: string[] }> = {
  'veo-3.1-generate-preview': { durations: [4, 6, 8], resolutions: ['720p', '1080p', '4k'] },
  'veo-3.1-fast-generate-preview': { durations: [4, 6, 8], resolutions: ['720p', '1080p', '4k'] },
  'veo-3.1-lite-generate-preview': { durations: [4, 6, 8], resolutions: ['720p', '1080p'] },
  'gemini-omni-flash-preview': { durations: [3, 4, 5, 6, 7, 8, 9, 10], resolutions: ['720p'] },
};
const SIZE: Record<string, string> = {
  '720p 16:9': '1280x720',
  '720p 9:16': '720x1280',
  '1080p 16:9': '1920x1080',
  '1080p 9:16': '1080x1920',
  '4k 16:9': '3840x2160',
  '4k 9:16': '2160x3840',
};

function googleJson(res: ServerResponse, status: number, body: unknown): void {
  sendJson(res, status, body, { 'content-type': 'application/json; charset=UTF-8' });
}
function sendStatus(res: ServerResponse, f: GoogleFault): void {
  googleJson(res, f.httpStatus, {
    error: {
      code: f.httpStatus,
      message: f.message,
      status: f.status,
      ...(f.details ? { details: f.details } : {}),
    },
  });
}

export async function startVeoEmulator(
  opts: { latencyMs?: number; apiKey?: string; fps?: number } = {},
): Promise<VeoEmulator> {
  const apiKey = opts.apiKey ?? 'AIza-emulator-test-key-0000';
  const latencyMs = opts.latencyMs ?? 500;
  const fps = opts.fps ?? 8;
  const dir = mkdtempSync(join(tmpdir(), 'bf-veo-emulator-'));
  const jobs = new Map<string, Job>();
  const byFile = new Map<string, Job>();
  const faults = emulatorFaults<VeoRoute, GoogleFault, Pick<Job, 'fail' | 'filtered'>>(
    () => stats.faultsServed++,
  );
  const tokens = new Set<string>();
  const stats: VeoEmulator['stats'] = {
    submissions: 0,
    polls: 0,
    downloads: 0,
    storageHits: 0,
    faultsServed: 0,
    images: 0,
  };
  const bodies: VeoEmulator['bodies'] = [];
  const imageBodies: VeoEmulator['imageBodies'] = [];
  const imageFaults: GeminiImageFault[] = [];
  let imageCount = 0;
  const patterns = new Map<string, Promise<Buffer>>();

  /** The picture: the first reference cover-fitted to the size, else a test pattern; PNG bytes. */
  async function picture(size: string, reference: Buffer | undefined): Promise<Buffer> {
    const n = ++imageCount;
    const out = join(dir, `image-${n}.png`);
    const [w, h] = size.split('x');
    if (reference) {
      const src = join(dir, `ref-${n}`);
      await writeFile(src, reference);
      await runFfmpeg([
        '-i',
        src,
        '-frames:v',
        '1',
        '-vf',
        `scale=${w}:${h}:force_original_aspect_ratio=increase,crop=${w}:${h}`,
        out,
      ]);
      return readFile(out);
    }
    // One test pattern per size: ffmpeg's start-up is most of an image's time on a busy machine.
    let pattern = patterns.get(size);
    if (!pattern) {
      pattern = runFfmpeg(['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=1`, '-frames:v', '1', out]).then(
        () => readFile(out),
      );
      patterns.set(size, pattern);
    }
    return pattern;
  }

  function render(job: Job): Promise<string> {
    return jobClip(dir, job.fileId, job, { fps, toneHz: 440 });
  }

  /** The Operation resource as the REST API returns it, advanced by wall-clock time. */
  function operationOf(job: Job): Record<string, unknown> {
    const elapsed = Date.now() - job.createdMs;
    if (elapsed >= latencyMs * 0.3 && !job.file && !job.fail && !job.filtered) {
      job.file = render(job);
      job.file.then((p) => {
        job.ready = p;
      });
    }
    const finished = elapsed >= latencyMs && (job.fail || job.filtered || job.ready);
    if (!finished)
      return {
        name: job.name,
        metadata: {
          '@type': 'type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningMetadata',
        },
      };
    if (job.fail) return { name: job.name, done: true, error: job.fail };
    const type = 'type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse';
    if (job.filtered)
      return {
        name: job.name,
        done: true,
        response: {
          '@type': type,
          generateVideoResponse: { raiMediaFilteredCount: 1, raiMediaFilteredReasons: job.filtered },
        },
      };
    return {
      name: job.name,
      done: true,
      response: {
        '@type': type,
        generateVideoResponse: {
          generatedSamples: [
            {
              video: {
                uri: `https://generativelanguage.googleapis.com/v1beta/files/${job.fileId}:download?alt=media`,
              },
            },
          ],
        },
      },
    };
  }

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://emulator');
      // Signed storage links carry their own token, no API key (like GCS's).
      const storage = /^\/storage\/([a-z0-9]+)\.mp4$/.exec(url.pathname);
      if (storage && req.method === 'GET') {
        stats.storageHits++;
        const job = byFile.get(storage[1]!);
        const token = url.searchParams.get('token') ?? '';
        if (faults.downloads.expired() || !tokens.has(token)) {
          res.writeHead(400, { 'content-type': 'application/xml; charset=UTF-8' });
          res.end(
            "<?xml version='1.0' encoding='UTF-8'?><Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>",
          );
          return;
        }
        if (!job?.ready)
          return sendStatus(res, { httpStatus: 404, status: 'NOT_FOUND', message: 'No such object.' });
        return sendClip(res, job.ready, faults.downloads.corrupted());
      }
      if (req.headers['x-goog-api-key'] !== apiKey)
        return sendStatus(res, {
          httpStatus: 400,
          status: 'INVALID_ARGUMENT',
          message: 'API key not valid. Please pass a valid API key.',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'API_KEY_INVALID',
              domain: 'googleapis.com',
            },
          ],
        });
      const generate = /^\/v1beta\/models\/([^/:]+):generateContent$/.exec(url.pathname);
      if (generate && req.method === 'POST') {
        const f = faults.take('image');
        const text = await readBody(req);
        if (f) return sendStatus(res, f);
        const model = generate[1]!;
        const spec = IMAGE_MODELS[model];
        if (!spec)
          return sendStatus(res, {
            httpStatus: 404,
            status: 'NOT_FOUND',
            message: `models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
          });
        const body = JSON.parse(text) as GenerateContentBody;
        const bad = (message: string) =>
          sendStatus(res, { httpStatus: 400, status: 'INVALID_ARGUMENT', message });
        const parts = body.contents?.flatMap((c) => c.parts ?? []) ?? [];
        if (!parts.some((p) => typeof p.text === 'string' && p.text.trim()))
          return bad('* GenerateContentRequest.contents: contents is not specified');
        const images = parts.flatMap((p) => (p.inlineData ? [p.inlineData] : []));
        for (const img of images)
          if (!img.data || !/^image\/(png|jpeg|webp)$/.test(img.mimeType ?? ''))
            return bad(
              'Unable to process input image. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
            );
        if (images.length > spec.maxImages)
          return bad(`Too many input images: ${images.length}; this model takes at most ${spec.maxImages}.`);
        const cfg = body.generationConfig ?? {};
        const aspect = cfg.imageConfig?.aspectRatio ?? '1:1';
        const size = IMAGE_SIZES[aspect];
        if (!size) return bad(`Unsupported aspect ratio: ${aspect}`);
        imageBodies.push({ model, body });
        const usageMetadata = { promptTokenCount: 12 + images.length * 258, totalTokenCount: 1302 };
        const refused = imageFaults.shift();
        if (refused && 'blockReason' in refused)
          return googleJson(res, 200, {
            promptFeedback: { blockReason: refused.blockReason },
            usageMetadata,
          });
        if (refused)
          return googleJson(res, 200, {
            candidates: [
              { content: { role: 'model', parts: [] }, finishReason: refused.finishReason, index: 0 },
            ],
            usageMetadata,
            modelVersion: model,
          });
        // Without IMAGE in the modalities the model answers in words only, as the real one may.
        if (!cfg.responseModalities?.includes('IMAGE'))
          return googleJson(res, 200, {
            candidates: [
              {
                content: { role: 'model', parts: [{ text: 'I can describe that scene for you.' }] },
                finishReason: 'STOP',
                index: 0,
              },
            ],
            usageMetadata,
            modelVersion: model,
          });
        stats.images++;
        const png = await picture(size, images[0] ? Buffer.from(images[0].data!, 'base64') : undefined);
        return googleJson(res, 200, {
          candidates: [
            {
              content: {
                role: 'model',
                parts: [{ inlineData: { mimeType: 'image/png', data: png.toString('base64') } }],
              },
              finishReason: 'STOP',
              index: 0,
            },
          ],
          usageMetadata: { ...usageMetadata, candidatesTokenCount: 1290 },
          modelVersion: model,
          responseId: randomBytes(8).toString('hex'),
        });
      }
      const create = /^\/v1beta\/models\/([^/:]+):predictLongRunning$/.exec(url.pathname);
      if (create && req.method === 'POST') {
        const f = faults.take('create');
        const text = await readBody(req);
        if (f) return sendStatus(res, f);
        const model = create[1]!;
        const spec = MODELS[model];
        if (!spec)
          return sendStatus(res, {
            httpStatus: 404,
            status: 'NOT_FOUND',
            message: `models/${model} is not found for API version v1beta, or is not supported for predictLongRunning. Call ListModels to see the list of available models and their supported methods.`,
          });
        const body = JSON.parse(text) as VeoEmulator['bodies'][number]['body'];
        const inst = body.instances?.[0];
        const p = body.parameters ?? {};
        const bad = (message: string) =>
          sendStatus(res, { httpStatus: 400, status: 'INVALID_ARGUMENT', message });
        if (!inst || typeof inst.prompt !== 'string' || !inst.prompt) return bad('A prompt is required.');
        const seconds = Number(p.durationSeconds ?? 8);
        const resolution = String(p.resolution ?? '720p');
        const aspect = String(p.aspectRatio ?? '16:9');
        if (!spec.durations.includes(seconds))
          return bad(`The duration ${seconds} is not supported for this model.`);
        if (!spec.resolutions.includes(resolution))
          return bad(`Resolution ${resolution} is not supported for this model.`);
        if (
          (resolution !== '720p' || inst.lastFrame || inst.referenceImages) &&
          seconds !== 8 &&
          model.startsWith('veo')
        )
          return bad('1080p, 4k, last frame and reference images need durationSeconds 8.');
        const size = SIZE[`${resolution} ${aspect}`];
        if (!size) return bad(`Aspect ratio ${aspect} is not supported.`);
        for (const img of [inst.image, inst.lastFrame] as Array<
          { bytesBase64Encoded?: string; mimeType?: string } | undefined
        >)
          if (img && (!img.bytesBase64Encoded || !img.mimeType))
            return bad('Image needs bytesBase64Encoded and mimeType.');
        stats.submissions++;
        bodies.push({ model, body });
        const id = randomBytes(6).toString('hex');
        const job: Job = {
          name: `models/${model}/operations/${id}`,
          model,
          createdMs: Date.now(),
          seconds,
          size,
          fileId: randomBytes(6).toString('hex'),
          ...(faults.nextJob() ?? {}),
        };
        jobs.set(job.name, job);
        byFile.set(job.fileId, job);
        return googleJson(res, 200, { name: job.name });
      }
      const op = /^\/v1beta\/(models\/[^/]+\/operations\/[a-z0-9]+)$/.exec(url.pathname);
      if (op && req.method === 'GET') {
        stats.polls++;
        const f = faults.take('operation');
        if (f) return sendStatus(res, f);
        const job = jobs.get(op[1]!);
        if (!job)
          return sendStatus(res, { httpStatus: 404, status: 'NOT_FOUND', message: 'Operation not found.' });
        return googleJson(res, 200, operationOf(job));
      }
      const dl = /^\/v1beta\/files\/([a-z0-9]+):download$/.exec(url.pathname);
      if (dl && req.method === 'GET') {
        stats.downloads++;
        const f = faults.take('download');
        if (f) return sendStatus(res, f);
        const job = byFile.get(dl[1]!);
        if (!job?.ready || url.searchParams.get('alt') !== 'media')
          return sendStatus(res, { httpStatus: 404, status: 'NOT_FOUND', message: 'File not found.' });
        const token = randomBytes(8).toString('hex');
        tokens.add(token);
        const host = req.headers.host;
        res.writeHead(302, { location: `http://${host}/storage/${job.fileId}.mp4?token=${token}` });
        res.end();
        return;
      }
      sendStatus(res, {
        httpStatus: 404,
        status: 'NOT_FOUND',
        message: `No route for ${req.method} ${url.pathname}`,
      });
    } catch (err) {
      sendStatus(res, { httpStatus: 500, status: 'INTERNAL', message: (err as Error).message });
    }
  });
  const baseUrl = await listenLocal(server);
  return {
    baseUrl,
    apiKey,
    stats,
    bodies,
    imageBodies,
    refuseNextImage: (fault) => void imageFaults.push(fault),
    ...faults.controls,
    failNextJob: (error) => faults.controls.failNextJob({ fail: error }),
    filterNextJob: (reasons) => faults.controls.failNextJob({ filtered: reasons }),
    clearFaults: () => {
      faults.controls.clearFaults();
      imageFaults.length = 0;
    },
    close: () => closeEmulator(server, dir),
  };
}
