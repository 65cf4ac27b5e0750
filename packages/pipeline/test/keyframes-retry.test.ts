import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ImageProvider, ProviderError, StyleBible, silentLogger } from '@beatframe/core';
import { afterAll, describe, expect, it } from 'vitest';
import { makeKeyframes } from '../src/keyframes.js';

const dir = mkdtempSync(join(tmpdir(), 'bf-keyframes-retry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A queued image vendor whose first wait for the result breaks off after the job was accepted and stored. */
function flakyQueue(calls: string[]): ImageProvider {
  const still = (path: string) => ({ path, width: 16, height: 9, provider: 'q', costUsd: 0.03 });
  return {
    name: 'q',
    description: 'a queued image vendor',
    capabilities: {
      models: ['m'],
      sizes: ['16x9'],
      maxReferenceImages: 0,
      seed: false,
      maxPromptChars: 500,
      usdFor: () => 0.03,
      concurrency: 1,
      rpm: 60,
    },
    status: () => ({ configured: true }),
    async generate(req, _dest, ctx) {
      calls.push(`generate ${req.shotId}`);
      await ctx.onJob?.({
        provider: 'q',
        jobId: `job-${req.shotId}`,
        submittedAt: '',
        seconds: 1,
        size: '16x9',
        data: {},
      });
      throw new ProviderError('retryable', 'the status check timed out', { retryAfterSec: 0.01 });
    },
    async resume(ref, dest) {
      calls.push(`resume ${ref.jobId}`);
      return still(dest);
    },
  };
}

describe('keyframes on a queued image vendor', () => {
  it('a retry after the vendor accepted the still finishes that job instead of paying for a second', async () => {
    const calls: string[] = [];
    const reserved: string[] = [];
    const plan = await makeKeyframes({
      dir,
      storyboard: {
        brief: { title: 't', concept: 'c', arc: 'a', mood: 'm' },
        styleBible: StyleBible.parse({ look: 'flat', palette: ['#fff'], lens: '', camera: '' }),
        scenes: [],
        shots: [],
      },
      shots: [{ id: 'shot-1', prompt: 'a pier at dusk', description: 'pier' }],
      size: '1280x720',
      image: flakyQueue(calls),
      ctx: { logger: silentLogger() },
      reserve: async (_usd, purpose) => {
        reserved.push(purpose);
        return { ok: true };
      },
    });
    expect(calls).toEqual(['generate shot-1', 'resume job-shot-1']);
    expect(reserved).toEqual(['keyframe shot-1']);
    expect(plan.usd).toBeCloseTo(0.03, 6);
  });
});
