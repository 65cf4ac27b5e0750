import { ProviderError, type ProviderJobStatus, silentLogger, type VideoProvider } from '@beatframe/core';
import { describe, expect, it } from 'vitest';
import { pollJob } from '../src/poll-job.js';

const ref = { jobId: 'j1', provider: 'fake', seconds: 4, size: '160x90' } as never;
const opts = { intervalMs: 1, maxErrors: 2, retryWaitMs: () => 1 };

/** A provider whose polls answer (or throw) the given steps in turn, then `done`. */
function fake(steps: Array<ProviderJobStatus | Error>): { provider: VideoProvider; polls: () => number } {
  let n = 0;
  const provider = {
    poll: async () => {
      const step = steps[n++];
      if (step instanceof Error) throw step;
      return step ?? { state: 'done' };
    },
  } as unknown as VideoProvider;
  return { provider, polls: () => n };
}

describe('pollJob', () => {
  it('polls until done, passing every status on, and tries retryable poll errors again', async () => {
    const { provider, polls } = fake([
      { state: 'running', progress: 0.5 },
      new ProviderError('retryable', 'busy'),
      { state: 'running', progress: 0.9 },
    ]);
    const seen: string[] = [];
    const outcome = await pollJob(
      provider,
      ref,
      { logger: silentLogger() },
      {
        ...opts,
        onStatus: (st) => void seen.push(`${st.state}:${st.progress ?? ''}`),
      },
    );
    expect(outcome).toEqual({ state: 'done' });
    expect(polls()).toBe(4);
    expect(seen).toEqual(['running:0.5', 'running:0.9', 'done:']);
  });

  it("ends as the job's failure, as an error after too many failed polls, and as stopped on an abort", async () => {
    const failed = { state: 'failed' as const, error: { kind: 'content-policy' as const, message: 'no' } };
    expect(await pollJob(fake([failed]).provider, ref, { logger: silentLogger() }, opts)).toEqual(failed);
    const busy = () => new ProviderError('retryable', 'busy');
    const outcome = await pollJob(
      fake([busy(), busy(), busy()]).provider,
      ref,
      { logger: silentLogger() },
      opts,
    );
    expect(outcome).toMatchObject({ state: 'error', error: { kind: 'retryable' } });
    const ac = new AbortController();
    const { provider, polls } = fake([{ state: 'running' }]);
    const stopped = await pollJob(
      provider,
      ref,
      { logger: silentLogger(), signal: ac.signal },
      {
        ...opts,
        onStatus: () => ac.abort(),
      },
    );
    expect(stopped).toEqual({ state: 'stopped' });
    expect(polls()).toBe(1);
  });
});
