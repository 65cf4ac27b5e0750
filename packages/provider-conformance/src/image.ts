import {
  type ImageContext,
  type ImageProvider,
  type ImageRequest,
  InputError,
  ProviderJobRef,
  parseSize,
  Still,
} from '@beatframe/core';
import { probeMedia } from '@beatframe/media';
import { describe, expect, it } from 'vitest';
import { recordingContext } from './index.js';
import {
  itClassifiesFaults,
  itDeclaresWell,
  itRefusesWithoutKey,
  type SuiteHooks,
  scratchFolder,
} from './suite.js';

export interface ImageConformanceOptions extends SuiteHooks {
  /** A NEW provider instance each call (the resume test uses a second one, like a restarted worker). */
  makeProvider(env?: Record<string, string | undefined>): ImageProvider | Promise<ImageProvider>;
  /** A request the provider serves quickly. */
  request: ImageRequest;
  /** The reference images the remote side received with its last request (to prove they travel). */
  lastReferenceCount?(): number;
  /** Two stills to send as references (made by the test file). */
  referenceImages?(): Promise<string[]>;
  testTimeoutMs?: number;
}

/** Marks the simulated crash in the resume test: thrown from onJob after the reference is stored. */
class Killed extends Error {}

async function expectValidStill(still: Still, dest: string, requested: string): Promise<void> {
  Still.parse(still);
  expect(still.path).toBe(dest);
  const info = await probeMedia(dest);
  expect(info.video?.width).toBe(still.width);
  expect(info.video?.height).toBe(still.height);
  // A model makes its own sizes; the aspect must be close to the one asked for (it is cover-fitted later).
  const want = parseSize(requested);
  const gap = Math.abs(Math.log(still.width / still.height) - Math.log(want.width / want.height));
  expect(gap, `${still.width}x${still.height} for ${requested}`).toBeLessThan(0.2);
}

/** The shared suite every image provider plugin runs, at the top level of a vitest file. */
export function runImageProviderConformance(opts: ImageConformanceOptions): void {
  const timeout = opts.testTimeoutMs ?? 30_000;
  const ctx = (): ImageContext & ReturnType<typeof recordingContext> => recordingContext(opts.env);

  describe(`image provider conformance: ${opts.name}`, () => {
    const inDir = scratchFolder(opts, 'bf-image-conformance');

    itDeclaresWell(opts, ({ capabilities: c }) => {
      expect(c.maxReferenceImages).toBeGreaterThanOrEqual(0);
      expect(c.usdFor({ size: opts.request.size })).toBeGreaterThanOrEqual(0);
    });

    it(
      'generates a verified still near the requested aspect, costed, for landscape and portrait',
      async () => {
        const p = await opts.makeProvider(opts.env);
        for (const size of [opts.request.size, opts.request.size.split('x').reverse().join('x')]) {
          const dest = inDir(`still-${size}.png`);
          const still = await p.generate({ ...opts.request, size }, dest, ctx());
          expect(still.provider).toBe(p.name);
          await expectValidStill(still, dest, size);
          expect(still.costUsd).toBeCloseTo(p.capabilities.usdFor({ ...opts.request, size }), 6);
        }
      },
      timeout,
    );

    it.skipIf(!opts.referenceImages)(
      'sends its reference images with the request, and refuses more than it takes',
      async () => {
        const p = await opts.makeProvider(opts.env);
        const refs = await opts.referenceImages!();
        const max = p.capabilities.maxReferenceImages;
        const some = refs.slice(0, Math.max(1, Math.min(max, refs.length)));
        if (max === 0) {
          const err = await p
            .generate({ ...opts.request, referenceImagePaths: some }, inDir('r0.png'), ctx())
            .catch((e: unknown) => e);
          expect(err).toBeInstanceOf(InputError);
          return;
        }
        const dest = inDir('with-refs.png');
        const still = await p.generate({ ...opts.request, referenceImagePaths: some }, dest, ctx());
        await expectValidStill(still, dest, opts.request.size);
        if (opts.lastReferenceCount) expect(opts.lastReferenceCount()).toBe(some.length);
        const tooMany = Array.from({ length: max + 1 }, (_, i) => refs[i % refs.length]!);
        const err = await p
          .generate({ ...opts.request, referenceImagePaths: tooMany }, inDir('too-many.png'), ctx())
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(InputError);
        expect((err as Error).message).not.toContain('\n');
        const missing = await p
          .generate({ ...opts.request, referenceImagePaths: [inDir('nope.png')] }, inDir('x.png'), ctx())
          .catch((e: unknown) => e);
        expect(missing).toBeInstanceOf(InputError);
      },
      timeout,
    );

    it(
      'a queued job stored before polling is finished by a new instance without paying again',
      async () => {
        const first = await opts.makeProvider(opts.env);
        if (!first.resume) return; // synchronous API: the still is the response, there is no job to resume
        let stored = '';
        const c: ImageContext = {
          ...ctx(),
          onJob: (ref) => {
            stored = JSON.stringify(ref);
            throw new Killed('killed after storing the job');
          },
        };
        const dest = inDir('resumed.png');
        await expect(
          first.generate({ ...opts.request, prompt: `${opts.request.prompt} (resume)` }, dest, c),
        ).rejects.toBeInstanceOf(Killed);
        expect(stored).not.toBe('');
        const before = opts.submissions?.();
        const second = await opts.makeProvider(opts.env);
        const still = await second.resume!(ProviderJobRef.parse(JSON.parse(stored)), dest, ctx());
        await expectValidStill(still, dest, opts.request.size);
        if (before !== undefined) expect(opts.submissions?.()).toBe(before);
      },
      timeout,
    );

    itRefusesWithoutKey(opts, (p, c) => p.generate(opts.request, inDir('nokey.png'), c));

    itClassifiesFaults(opts, timeout, (p, kind) =>
      p
        .generate(
          { ...opts.request, prompt: `${opts.request.prompt} (${kind})` },
          inDir(`${kind}.png`),
          ctx(),
        )
        .then(
          () => undefined,
          (e: unknown) => e,
        ),
    );
  });
}
