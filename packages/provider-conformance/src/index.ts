import {
  type Clip,
  type ClipRequest,
  Clip as ClipSchema,
  type Decision,
  InputError,
  type PluginContext,
  ProviderError,
  type ProviderErrorKind,
  ProviderJobRef,
  type ProviderJobStatus,
  silentLogger,
  snapDuration,
  type VideoProvider,
} from '@beatframe/core';
import { probeMedia } from '@beatframe/media';
import { describe, expect, it } from 'vitest';
import {
  itClassifiesFaults,
  itDeclaresWell,
  itRefusesWithoutKey,
  type SuiteHooks,
  scratchFolder,
} from './suite.js';

/** Fault injection a plugin's test double (emulator, work folder) offers the suite. */
export interface ConformanceFaults {
  /** Error classes `inject` can produce. */
  kinds: ProviderErrorKind[];
  /** Makes the next job (its submit or its poll) fail with that class of error. */
  inject(kind: ProviderErrorKind): void | Promise<void>;
  /** Undoes whatever `inject` left armed. */
  clear?(): void | Promise<void>;
  /** Whether the 'retryable' fault carries Retry-After, so retryAfterSec must be set. */
  retryAfter?: boolean;
}

export interface ProviderConformanceOptions extends SuiteHooks {
  /** A NEW provider instance each call: the resume test uses a second one, like a restarted worker. */
  makeProvider(env?: Record<string, string | undefined>): VideoProvider | Promise<VideoProvider>;
  /** A request the provider serves quickly (small size, short clip). */
  request: ClipRequest;
  /** Makes the next download of this job deliver corrupt bytes once; the provider must detect and retry. */
  corruptDownload?(ref: ProviderJobRef): void | Promise<void>;
  /** Does the provider make exactly the requested size and length? (manual clips do not.) */
  exactOutput?: boolean;
  pollIntervalMs?: number;
  /** Longest a job may take, ms. */
  jobTimeoutMs?: number;
}

/** A context that keeps what the provider decided, so tests can look. */
export function recordingContext(env?: Record<string, string | undefined>): PluginContext & {
  recorded: Array<Omit<Decision, 'at'>>;
} {
  const recorded: Array<Omit<Decision, 'at'>> = [];
  return {
    logger: silentLogger(),
    env: env ?? process.env,
    decisions: { record: (d) => void recorded.push(d) },
    recorded,
  };
}

/** Polls until the job is done or failed; the progress it reports must stay within 0…1. */
export async function pollUntilSettled(
  provider: VideoProvider,
  ref: ProviderJobRef,
  ctx: PluginContext,
  opts: { intervalMs?: number; timeoutMs?: number; onStatus?(s: ProviderJobStatus): void } = {},
): Promise<ProviderJobStatus> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    const st = await provider.poll(ref, ctx);
    opts.onStatus?.(st);
    if (st.state === 'done' || st.state === 'failed') return st;
    if (Date.now() > deadline)
      throw new Error(`job ${ref.jobId} still ${st.state} after ${opts.timeoutMs}ms`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}

/** Submits, polls and returns the error the job ended with, whether thrown or reported. */
async function errorOfJob(
  provider: VideoProvider,
  req: ClipRequest,
  ctx: PluginContext,
  opts: { intervalMs?: number; timeoutMs?: number },
): Promise<ProviderError | undefined> {
  try {
    const ref = await provider.submit(req, ctx);
    const st = await pollUntilSettled(provider, ref, ctx, opts);
    return st.error ? ProviderError.fromInfo(st.error) : undefined;
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw err;
  }
}

/** Checks a downloaded clip with ffprobe: a real video, of the requested size and about the requested length. */
export async function expectValidClip(clip: Clip, ref: ProviderJobRef, exact = true): Promise<void> {
  ClipSchema.parse(clip);
  const info = await probeMedia(clip.path);
  expect(info.video, `${clip.path} has a video stream`).toBeDefined();
  expect(info.durationSec).toBeGreaterThan(0);
  expect(Math.abs(info.durationSec - clip.durationSec)).toBeLessThan(0.2);
  expect(info.video!.width).toBe(clip.width);
  expect(info.video!.height).toBe(clip.height);
  if (exact) {
    expect(`${clip.width}x${clip.height}`).toBe(ref.size);
    expect(Math.abs(info.durationSec - ref.seconds)).toBeLessThan(0.5);
  }
}

/**
 * The shared suite every video provider plugin runs (like Hono's shared router tests). Call it at the top
 * level of a vitest file. Sections that need something a plugin lacks (a key, fault injection, a size
 * list) are skipped, and say so in their title.
 */
export function runProviderConformance(opts: ProviderConformanceOptions): void {
  const interval = opts.pollIntervalMs ?? 100;
  const timeout = opts.jobTimeoutMs ?? 60_000;
  const testTimeout = timeout * 2 + 10_000;
  const exact = opts.exactOutput ?? true;
  const ctx = () => recordingContext(opts.env);
  const settle = { intervalMs: interval, timeoutMs: timeout };

  describe(`video provider conformance: ${opts.name}`, () => {
    const inDir = scratchFolder(opts, 'bf-conformance');

    itDeclaresWell(opts, ({ capabilities: c }) => {
      for (const d of c.durations) expect(d).toBeGreaterThan(0);
      expect([...c.durations].sort((a, b) => a - b)).toEqual(c.durations);
      expect(c.usdFor({ seconds: opts.request.seconds, size: opts.request.size })).toBeGreaterThanOrEqual(0);
    });

    it(
      'submit → poll until done (progress within 0…1) → download a verified clip',
      async () => {
        const p = await opts.makeProvider(opts.env);
        const c = ctx();
        const ref = await p.submit(opts.request, c);
        ProviderJobRef.parse(ref);
        expect(ref.provider).toBe(p.name);
        const seen: number[] = [];
        const st = await pollUntilSettled(p, ref, c, {
          ...settle,
          onStatus: (s) => s.progress !== undefined && seen.push(s.progress),
        });
        expect(st.error).toBeUndefined();
        expect(st.state).toBe('done');
        for (const x of seen) expect(x >= 0 && x <= 1).toBe(true);
        const clip = await p.download(ref, inDir('first.mp4'), c);
        expect(clip.provider).toBe(p.name);
        expect(clip.path).toBe(inDir('first.mp4'));
        await expectValidClip(clip, ref, exact);
      },
      testTimeout,
    );

    it(
      'resumes from a stored job reference in a new instance without submitting again',
      async () => {
        const first = await opts.makeProvider(opts.env);
        const c = ctx();
        const ref = await first.submit({ ...opts.request, prompt: `${opts.request.prompt} (resume)` }, c);
        const stored = JSON.stringify(ref);
        const before = opts.submissions?.();
        // A restarted worker: a fresh provider, the reference read back from storage.
        const second = await opts.makeProvider(opts.env);
        const again = ProviderJobRef.parse(JSON.parse(stored));
        const st = await pollUntilSettled(second, again, c, settle);
        expect(st.state).toBe('done');
        const clip = await second.download(again, inDir('resumed.mp4'), c);
        await expectValidClip(clip, again, exact);
        if (before !== undefined) expect(opts.submissions?.()).toBe(before);
      },
      testTimeout,
    );

    it('snaps a length it does not offer to the nearest allowed one, as a recorded decision', async () => {
      const p = await opts.makeProvider(opts.env);
      const allowed = p.capabilities.durations;
      if (allowed.length === 0) return; // any length: nothing to snap
      const max = allowed.at(-1) ?? 1;
      const odd = allowed.length > 1 ? ((allowed[0] ?? 0) + (allowed[1] ?? 0)) / 2 + 0.01 : max + 0.7;
      const c = ctx();
      const ref = await p.submit(
        { ...opts.request, seconds: odd, prompt: `${opts.request.prompt} (snap)` },
        c,
      );
      expect(allowed).toContain(ref.seconds);
      expect(ref.seconds).toBe(snapDuration(odd, allowed));
      expect(c.recorded.some((d) => d.role === 'duration-snap' && /snapped/.test(d.summary))).toBe(true);
      await p.cancel?.(ref, c);
    });

    it('rejects an unsupported size with an error that lists the allowed ones', async () => {
      const p = await opts.makeProvider(opts.env);
      if (p.capabilities.sizes.length === 0) return; // takes any size
      const err = await p.submit({ ...opts.request, size: '333x777' }, ctx()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toContain(p.capabilities.sizes[0]);
      expect((err as Error).message).not.toContain('\n');
    });

    itRefusesWithoutKey(opts, (p, c) => p.submit(opts.request, c));

    itClassifiesFaults(opts, testTimeout, (p, kind) =>
      errorOfJob(p, { ...opts.request, prompt: `${opts.request.prompt} (${kind})` }, ctx(), settle),
    );

    it.skipIf(!opts.corruptDownload)(
      'detects a corrupt download (ffprobe) and retries it',
      async () => {
        const p = await opts.makeProvider(opts.env);
        const c = ctx();
        const ref = await p.submit({ ...opts.request, prompt: `${opts.request.prompt} (corrupt)` }, c);
        expect((await pollUntilSettled(p, ref, c, settle)).state).toBe('done');
        await opts.corruptDownload!(ref);
        const clip = await p.download(ref, inDir('corrupt.mp4'), c);
        await expectValidClip(clip, ref, exact);
      },
      testTimeout,
    );

    it('cancels a job it has started, when it can', async () => {
      const p = await opts.makeProvider(opts.env);
      if (!p.cancel) return;
      const c = ctx();
      const ref = await p.submit({ ...opts.request, prompt: `${opts.request.prompt} (cancel)` }, c);
      await expect(p.cancel(ref, c)).resolves.toBeUndefined();
    });

    it(
      'remixes a finished job into a new one, when it can',
      async () => {
        const p = await opts.makeProvider(opts.env);
        if (!p.capabilities.remix || !p.remix) return;
        const c = ctx();
        const ref = await p.submit({ ...opts.request, prompt: `${opts.request.prompt} (remix source)` }, c);
        expect((await pollUntilSettled(p, ref, c, settle)).state).toBe('done');
        const remixed = await p.remix(ref, `${opts.request.prompt}, now at night`, c);
        expect(remixed.jobId).not.toBe(ref.jobId);
        expect((await pollUntilSettled(p, remixed, c, settle)).state).toBe('done');
        const clip = await p.download(remixed, inDir('remix.mp4'), c);
        await expectValidClip(clip, remixed, exact);
      },
      testTimeout,
    );
  });
}
export { type ImageConformanceOptions, runImageProviderConformance } from './image.js';
