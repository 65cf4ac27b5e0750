/** ComfyUI as a VideoProvider. Over 400 lines because it is one closure whose submit, poll (WebSocket or /history), download and cancel share the server's client and the prompts in flight. */
import { randomInt, randomUUID } from 'node:crypto';
import {
  aspectsOfSizes,
  type Clip,
  ConfigError,
  catalogueLookup,
  endpointOf,
  hostOfUrl,
  InputError,
  type PluginContext,
  ProviderError,
  type ProviderJobRef,
  type ProviderJobStatus,
  parsePluginSettings,
  parseSize,
  snapDuration,
  type VideoProvider,
  validateSize,
  vendorLimits,
} from '@beatframe/core';
import { clipOfJob, downloadJob, fitStill, requireVideo, saveBody } from '@beatframe/media';
import {
  catalogueOf,
  DEFAULT_COMFYUI_MODEL,
  durationsOfModel,
  lastFrameOf,
  primaryOf,
  promptStyleOf,
  workflowFor,
} from './catalogue.js';
import { ComfyClient, type HistoryEntry, liveFraction, ProgressChannel, type SavedFile } from './client.js';
import { executionFailure, toProviderError } from './errors.js';
import { ComfyUISettings } from './settings.js';
import { type ApiWorkflow, durationsOf, fillWorkflow, quantiseFrames } from './workflow.js';

/** What a job reference carries to resume: enough to follow, re-queue and read the prompt from any process. */
interface ComfyJobData {
  clientId: string;
  host: string;
  workflow: string;
  outputNode: string;
  nodeCount: number;
  frames: number;
  fps: number;
  /** The filled workflow, to queue again (same prompt id) if the server restarted and lost it. */
  prompt: ApiWorkflow;
}

const VIDEO_FILE = /\.(mp4|webm|mov|mkv)$/i;
/** Share of the progress bar the queue wait takes; the run takes the rest. */
const QUEUE_SHARE = 0.1;

export function createComfyUIProvider(raw: unknown = {}): VideoProvider {
  const settings = parsePluginSettings(ComfyUISettings, raw, 'providers.comfyui');
  const name = settings.name ?? 'comfyui';
  const baseUrlEnv = settings.baseUrlEnv ?? 'COMFYUI_URL';
  const tokenEnv = settings.tokenEnv ?? 'COMFYUI_TOKEN';
  const catalogue = catalogueOf(settings);
  const defaultModel = settings.model ?? DEFAULT_COMFYUI_MODEL;
  const { models, modelOf: idOf } = catalogueLookup(
    name,
    Object.fromEntries(catalogue.ids.map((id) => [id, id])),
    defaultModel,
    'providers.comfyui.workflows',
  );
  const modelOf = (id: string | undefined) => catalogue.model(idOf(id)[0]);
  const def = modelOf(defaultModel);
  const clientId = randomUUID();
  const channels = new Map<string, ProgressChannel>();
  const requeued = new Map<string, number>();
  const positions = new Map<string, { first: number; last: number }>();

  function baseOf(ctx: PluginContext): string {
    const url = endpointOf(settings.baseUrl, baseUrlEnv, ctx.env)?.replace(/\/+$/, '');
    if (!url)
      throw new ConfigError(
        `${name} needs your ComfyUI server: set the environment variable ${baseUrlEnv} (e.g. http://127.0.0.1:8188)`,
      );
    return url;
  }
  function client(ctx: PluginContext): ComfyClient {
    return new ComfyClient({
      baseUrl: baseOf(ctx),
      token: (ctx.env ?? process.env)[tokenEnv],
      timeoutMs: settings.timeoutMs ?? 60_000,
      signal: ctx.signal,
    });
  }
  function channelOf(id: string, ctx: PluginContext): ProgressChannel | undefined {
    if (settings.websocket === false) return undefined;
    let ch = channels.get(id);
    if (!ch) {
      const ws = `${baseOf(ctx).replace(/^http/, 'ws')}/ws?clientId=${encodeURIComponent(id)}`;
      ch = new ProgressChannel(ws, (ctx.env ?? process.env)[tokenEnv], ctx.logger);
      channels.set(id, ch);
    }
    return ch;
  }
  async function call<T>(
    what: string,
    ctx: PluginContext,
    fn: () => Promise<T>,
    graph?: ApiWorkflow,
  ): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      // A refusal names nodes by id: say their titles, which the user sees in ComfyUI.
      const titles = Object.fromEntries(
        Object.entries(graph ?? {}).map(([id, n]) => [id, n._meta?.title ?? n.class_type]),
      );
      throw toProviderError(err, { what, host: hostOfUrl(baseOf(ctx), 'comfyui'), tokenEnv, titles });
    }
  }
  function dataOf(ref: ProviderJobRef): ComfyJobData {
    const d = ref.data as Partial<ComfyJobData>;
    if (!d.clientId || !d.prompt || !d.outputNode)
      throw new InputError(`job ${ref.jobId} has no ComfyUI workflow in its reference`);
    return d as ComfyJobData;
  }
  function finished(ref: ProviderJobRef, d: ComfyJobData): void {
    channels.get(d.clientId)?.forget(ref.jobId);
    positions.delete(ref.jobId);
  }

  /** The outcome a history entry records: done, or the classified failure. */
  function outcomeOf(ref: ProviderJobRef, h: HistoryEntry): ProviderJobStatus {
    if (h.status?.status_str !== 'error') return { state: 'done', progress: 1 };
    const msgs = h.status.messages ?? [];
    const err = msgs.find(([t]) => t === 'execution_error')?.[1];
    if (err) return { state: 'failed', error: executionFailure(err, ref.jobId) };
    return {
      state: 'failed',
      error: {
        kind: 'retryable',
        code: 'interrupted',
        message: `prompt ${ref.jobId} was interrupted on the ComfyUI server`,
      },
    };
  }

  /** The server no longer knows the prompt (it restarted): queue it again under the same id, once. */
  async function requeue(
    ref: ProviderJobRef,
    d: ComfyJobData,
    ctx: PluginContext,
  ): Promise<ProviderJobStatus> {
    const times = requeued.get(ref.jobId) ?? 0;
    if (times >= 1)
      return {
        state: 'failed',
        error: {
          kind: 'retryable',
          code: 'lost',
          message: `the ComfyUI server lost prompt ${ref.jobId} again after it was queued a second time`,
        },
      };
    requeued.set(ref.jobId, times + 1);
    const summary = `ComfyUI at ${d.host} no longer knows prompt ${ref.jobId} (restarted, history lost): queued it again once`;
    ctx.logger.warn({ promptId: ref.jobId }, summary);
    void ctx.decisions?.record({ role: 'requeue', summary, output: { promptId: ref.jobId } });
    channelOf(d.clientId, ctx)?.follow(ref.jobId);
    await call('queueing the prompt again', ctx, () =>
      client(ctx).queuePrompt({ prompt: d.prompt, client_id: d.clientId, prompt_id: ref.jobId }),
    );
    return { state: 'queued', progress: 0 };
  }

  function gpuSecondsOf(h: HistoryEntry): number | undefined {
    const at = (type: string) =>
      Number(h.status?.messages?.find(([t]) => t === type)?.[1]?.timestamp ?? Number.NaN);
    const secs = (at('execution_success') - at('execution_start')) / 1000;
    return Number.isFinite(secs) && secs >= 0 ? Number(secs.toFixed(3)) : undefined;
  }

  const primary = primaryOf(def);
  return {
    name,
    aliases: name === 'comfyui' ? ['comfy', 'gpu', 'ltx', 'ltx-video'] : [],
    description: `open-weight video models (LTX-Video, Wan 2.2) on your own GPU through a ComfyUI server; free (GPU time), needs ${baseUrlEnv}`,
    capabilities: {
      durations: durationsOfModel(def),
      sizes: primary.mapping.sizes,
      aspects: aspectsOfSizes(primary.mapping.sizes),
      imageToVideo: !!workflowFor(def, true),
      remix: false,
      maxPromptChars: 2000,
      models,
      audio: false,
      usdFor: () => 0,
      ...vendorLimits(settings, 60),
      promptGuide:
        'One shot per clip in plain, literal sentences: subject, action, setting, camera move, lighting, style; open-weight models follow concrete descriptions best; no on-screen text.',
      promptStyleOf: (model) => promptStyleOf(modelOf(model)),
      framesOf: (model) => ({ lastFrame: lastFrameOf(modelOf(model)) }),
    },

    status(ctx) {
      if (!endpointOf(settings.baseUrl, baseUrlEnv, ctx.env))
        return {
          configured: false,
          hint: `set ${baseUrlEnv} to your ComfyUI server (e.g. http://127.0.0.1:8188)`,
        };
      return { configured: true };
    },

    async submit(req, ctx) {
      const m = modelOf(req.model);
      const label = `${name} ${m.id}`;
      const wf = workflowFor(m, !!req.imagePath);
      if (!wf)
        throw new InputError(
          req.imagePath
            ? `${label} cannot start from an image`
            : `${label} needs a start image (image-to-video only)`,
        );
      const size = validateSize(req.size, wf.mapping.sizes, label);
      if (req.lastFramePath && !wf.mapping.nodes.endImage)
        throw new InputError(`${label} cannot end on a given last frame`);
      if (req.referenceImagePaths?.length) throw new InputError(`${label} takes no reference images`);
      const shot = req.shotId ? { shotId: req.shotId } : {};
      const seconds = snapDuration(req.seconds, durationsOf(wf.mapping), { ...ctx, provider: name, ...shot });
      const { fps } = wf.mapping;
      const q = quantiseFrames(seconds, fps, wf.mapping.frames);
      if (Math.abs(q.seconds - seconds) > 1e-6) {
        // The model takes quantum·k+1 frames only: the clip comes out a little longer or shorter.
        const summary = `${label} makes ${wf.mapping.frames.quantum}k+1 frames: ${seconds}s at ${fps} fps snapped to ${q.frames} frames (${q.seconds.toFixed(3)}s)`;
        ctx.logger.info({ ...shot, frames: q.frames }, summary);
        void ctx.decisions?.record({
          role: 'frame-snap',
          summary,
          ...shot,
          model: m.id,
          output: { seconds, frames: q.frames, fps, clipSeconds: q.seconds },
        });
      }
      const c = client(ctx); // a missing server URL fails here, before any image work
      const promptId = randomUUID();
      const subfolder = settings.uploadSubfolder ?? 'beatframe';
      const upload = async (path: string | undefined, what: string, tag: string) => {
        if (!path) return undefined;
        const png = await fitStill(path, size, what, { signal: ctx.signal });
        return call(`uploading the ${what}`, ctx, () =>
          c.uploadImage(png, `${promptId}-${tag}.png`, subfolder),
        );
      };
      const startImage = await upload(req.imagePath, 'start image', 'start');
      const endImage = await upload(req.lastFramePath, 'end image', 'end');
      let prompt = req.prompt;
      if (prompt.length > 2000) {
        const summary = `prompt cut from ${prompt.length} to the 2000 characters ${label} takes`;
        ctx.logger.warn(shot, summary);
        void ctx.decisions?.record({ role: 'prompt-cut', summary, ...shot, model: m.id });
        prompt = prompt.slice(0, 2000);
      }
      const { width, height } = parseSize(size);
      const graph = fillWorkflow(wf, {
        prompt,
        negative: req.negativePrompt,
        seed: req.seed ?? randomInt(2 ** 31),
        width,
        height,
        frames: q.frames,
        fps,
        startImage,
        endImage,
      });
      // Followed before queueing, so no message of a fast prompt is missed.
      channelOf(clientId, ctx)?.follow(promptId);
      const queued = await call(
        'queueing the prompt',
        ctx,
        () => c.queuePrompt({ prompt: graph, client_id: clientId, prompt_id: promptId }),
        graph,
      );
      ctx.logger.info(
        { promptId, number: queued.number, workflow: wf.name, frames: q.frames, size, ...shot },
        'ComfyUI prompt queued',
      );
      return {
        provider: name,
        jobId: promptId,
        model: m.id,
        submittedAt: new Date().toISOString(),
        seconds,
        size,
        data: {
          clientId,
          host: hostOfUrl(baseOf(ctx), 'comfyui'),
          workflow: wf.name,
          outputNode: wf.outputNode,
          nodeCount: Object.keys(graph).length,
          frames: q.frames,
          fps,
          prompt: graph,
        } satisfies ComfyJobData,
      };
    },

    async poll(ref, ctx): Promise<ProviderJobStatus> {
      const d = dataOf(ref);
      const ch = channelOf(d.clientId, ctx);
      ch?.follow(ref.jobId);
      const live = ch?.state(ref.jobId);
      if (live?.phase === 'error') {
        finished(ref, d);
        return { state: 'failed', error: executionFailure(live.error ?? {}, ref.jobId) };
      }
      if (live?.phase === 'success') return { state: 'done', progress: 1 };
      if (live?.phase === 'running' && live.started > 0)
        return {
          state: 'running',
          progress: QUEUE_SHARE + (1 - QUEUE_SHARE) * liveFraction(live, d.nodeCount),
        };
      // No word on the socket (not started yet, or no socket): ask the queue first, then the history. A prompt
      // moves from the queue into the history in one step on the server, so this order never misses it.
      const c = client(ctx);
      const q = await call('reading the ComfyUI queue', ctx, () => c.queue());
      if (q.queue_running.some((i) => i[1] === ref.jobId)) return { state: 'running', progress: QUEUE_SHARE };
      const pending = [...q.queue_pending].sort((a, b) => a[0] - b[0]);
      const at = pending.findIndex((i) => i[1] === ref.jobId);
      if (at >= 0) {
        const ahead = at + q.queue_running.length;
        const pos = positions.get(ref.jobId) ?? { first: ahead, last: -1 };
        if (pos.last !== ahead)
          ctx.logger.info({ promptId: ref.jobId, ahead }, `ComfyUI queue: ${ahead} prompt(s) ahead`);
        positions.set(ref.jobId, { first: Math.max(pos.first, ahead), last: ahead });
        // The bar's first tenth fills as the prompts ahead finish.
        const first = Math.max(pos.first, ahead);
        return { state: 'queued', progress: (QUEUE_SHARE * (first - ahead)) / (first + 1) };
      }
      const h = await call('reading the prompt history', ctx, () => c.history(ref.jobId));
      if (h && (h.status?.completed || h.status?.status_str)) {
        const st = outcomeOf(ref, h);
        if (st.state === 'failed') finished(ref, d);
        return st;
      }
      if (live?.phase === 'interrupted') {
        finished(ref, d);
        return outcomeOf(ref, { status: { status_str: 'error', messages: [] } });
      }
      return requeue(ref, d, ctx);
    },

    async download(ref, dest, ctx): Promise<Clip> {
      const d = dataOf(ref);
      const c = client(ctx);
      let entry: HistoryEntry | undefined;
      const info = await downloadJob(ref, dest, ctx, {
        attempts: settings.downloadAttempts,
        retryMessage: 'download failed; reading the history again',
        source: async (): Promise<SavedFile> => {
          entry = await call('reading the prompt history', ctx, () => c.history(ref.jobId));
          if (!entry)
            throw new ProviderError(
              'retryable',
              `ComfyUI has no history for prompt ${ref.jobId} (restarted?)`,
            );
          const outputs = entry.outputs ?? {};
          const files = [outputs[d.outputNode], ...Object.values(outputs)]
            .flatMap((o) => ['videos', 'gifs', 'images'].flatMap((k) => (o?.[k] ?? []) as SavedFile[]))
            .filter((f) => VIDEO_FILE.test(f.filename ?? ''));
          if (!files[0])
            throw new ProviderError(
              'fatal',
              `prompt ${ref.jobId} saved no video file: end workflow ${d.workflow} with a Save Video node`,
            );
          return files[0];
        },
        save: async (file, tmp) => {
          const body = await call('fetching the video', ctx, () => c.view(file));
          await saveBody(body, tmp, ref.jobId);
          return requireVideo(tmp, ref.jobId);
        },
      });
      finished(ref, d);
      const gpuSeconds = entry ? gpuSecondsOf(entry) : undefined;
      ctx.logger.info({ promptId: ref.jobId, gpuSeconds, frames: d.frames }, 'ComfyUI clip downloaded');
      return {
        ...clipOfJob(dest, info, name, ref, 0),
        ...(gpuSeconds !== undefined ? { gpuSeconds } : {}),
      };
    },

    async cancel(ref, ctx) {
      const d = dataOf(ref);
      const c = client(ctx);
      const q = await call('reading the ComfyUI queue', ctx, () => c.queue());
      if (q.queue_running.some((i) => i[1] === ref.jobId))
        await call('interrupting the prompt', ctx, () => c.interrupt(ref.jobId));
      else await call('taking the prompt off the queue', ctx, () => c.deleteFromQueue(ref.jobId));
      finished(ref, d);
    },
  };
}
