import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BeatframeConfig, loadConfig, silentLogger } from '@beatframe/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE_ANY, createBeatframe } from '../src/index.js';
import { emulatedProvider, makeSong, testDeps } from './support/deps.js';
import { type EmulatorOptions, startEmulator } from './support/emulator.js';

describe('budgets, quotas and provider failures (PGlite)', () => {
  let dir: string;
  let song: string;
  let hook: Server;
  let hookUrl: string;
  const alerts: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bf-budget-'));
    song = await makeSong(join(dir, 'song.mp3'), 6);
    hook = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        alerts.push(JSON.parse(raw));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => hook.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(
    name: string,
    emuOpts: EmulatorOptions,
    budget: BeatframeConfig['budget'],
    body: (ctx: {
      bf: Awaited<ReturnType<typeof createBeatframe>>;
      emu: Awaited<ReturnType<typeof startEmulator>>;
    }) => Promise<void>,
    depsOpts: { prompt?: (i: number) => string; seeds?: boolean; concurrency?: number } = {},
  ) {
    const emu = await startEmulator(emuOpts);
    const config = { ...loadConfig({ env: { BEATFRAME_DATA_DIR: join(dir, name) }, cwd: dir }), budget };
    const provider = emulatedProvider(emu.url, {
      usdPerSecond: 0.5,
      ...(depsOpts.seeds === false ? { seeds: false } : {}),
    });
    const bf = await createBeatframe({
      config,
      logger: silentLogger(),
      deps: testDeps({ shots: 3, provider, ...depsOpts }),
      settings: { pollIntervalMs: 50, retryBaseSec: 0.2 },
    });
    const worker = await bf.startWorker({ concurrency: depsOpts.concurrency ?? 1 });
    try {
      await body({ bf, emu });
    } finally {
      await worker.stop();
      await bf.close();
      await emu.close();
    }
  }

  it('asks before paying, stops at the project cap with a clear status, and alerts at 80% and 100%', async () => {
    await run('cap', { latencyMs: 100 }, { alertWebhookUrl: hookUrl }, async ({ bf, emu }) => {
      // 3 shots × 2 s × $0.50 = $3.00; the cap lets two through.
      const p = await bf.createProject({
        song: { path: song },
        options: { provider: 'emulated' },
        maxCostUsd: 2.5,
      });
      let now = await bf.waitFor(p.id);
      expect(now.status).toBe('paused');
      let detail = await bf.getProject(p.id);
      expect(detail.awaitingApproval).toBe(true);
      expect(detail.reason).toMatch(/awaiting approval: the estimate is \$3\.00/);
      expect(detail.costs.estimateUsd).toBeCloseTo(3);
      expect(emu.posts.length).toBe(0); // nothing was spent before the approval

      await bf.approveCost(p.id, APPROVE_ANY);
      now = await bf.waitFor(p.id);
      detail = await bf.getProject(p.id);
      expect(now.status).toBe('paused');
      expect(detail.awaitingApproval).toBe(false);
      expect(detail.reason).toMatch(
        /budget: the project's cap of \$2\.50 is reached \(\$2\.00 spent, next shot \$1\.00\)/,
      );
      expect(detail.costs.spentUsd).toBeCloseTo(2);
      expect(emu.posts.filter((x) => x.status === 200).length).toBe(2);
      expect(detail.shots.filter((s) => s.status === 'paused').length).toBe(1);
      for (let i = 0; i < 50 && alerts.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect(alerts.map((a) => [a.scope, a.threshold])).toEqual([
        ['project', 80],
        ['project', 100],
      ]);
      expect(alerts[0]).toMatchObject({ type: 'beatframe.budget', projectId: p.id, capUsd: 2.5 });
      expect((await bf.decisions(p.id)).some((d) => d.role === 'person' && /approved/.test(d.summary))).toBe(
        true,
      );

      // `resume --max-cost 3` raises the cap with the approval: the paused shot goes on instead of pausing again.
      await bf.resume(p.id, { approvedUsd: 3 });
      detail = await bf.getProject(p.id);
      expect(detail.costs).toMatchObject({ maxUsd: 3 });
      for (let i = 0; i < 200 && detail.costs.spentUsd < 3 - 1e-9; i++) {
        await new Promise((r) => setTimeout(r, 100));
        detail = await bf.getProject(p.id);
      }
      expect(detail.costs.spentUsd).toBeCloseTo(3);
      expect(detail.project.status).not.toBe('paused');
      await bf.cancel(p.id);
    });
  });

  it('pays once for the identical request of two shots on a seedless model, and estimates it once', async () => {
    const prompt = (i: number) => (i === 1 ? 'a bridge at dusk' : 'the chorus: a paper boat in the rain');
    await run(
      'twins',
      { latencyMs: 300 },
      {},
      async ({ bf, emu }) => {
        const p = await bf.createProject({
          song: { path: song },
          options: { provider: 'emulated' },
          approvedUsd: APPROVE_ANY,
        });
        const now = await bf.waitFor(p.id);
        const detail = await bf.getProject(p.id);
        expect(now.status).toBe('done');
        // Shots 1 and 3 send one request: two paid submissions for three shots, $2.00 not $3.00.
        expect(detail.costs.estimateUsd).toBeCloseTo(2);
        expect(emu.posts.filter((x) => x.status === 200).length).toBe(2);
        expect(detail.costs.spentUsd).toBeCloseTo(2);
        const third = detail.shots.find((s) => s.id === 'shot-3');
        expect(third?.clip?.path).toMatch(/shot-3-a1\.mp4$/);
        const shared = (await bf.decisions(p.id)).filter((d) => /uses shot-1's clip/.test(d.summary));
        expect(shared.map((d) => d.shotId)).toEqual(['shot-3']);
      },
      // Three at once: shot 3 finds shot 1 in flight with its request and waits for its clip.
      { prompt, seeds: false, concurrency: 3 },
    );
  });

  it('stops at the global daily cap across projects', async () => {
    await run('daily', { latencyMs: 50 }, { dailyCapUsd: 1.5 }, async ({ bf, emu }) => {
      const p = await bf.createProject({
        song: { path: song },
        options: { provider: 'emulated' },
        approvedUsd: APPROVE_ANY,
      });
      await bf.waitFor(p.id);
      const detail = await bf.getProject(p.id);
      expect(detail.project.status).toBe('paused');
      expect(detail.reason).toMatch(
        /daily cap of \$1\.50 is reached \(\$1\.00 spent today, next shot \$1\.00\)/,
      );
      expect(detail.costs.todayUsd).toBeCloseTo(1);
      expect(emu.posts.filter((x) => x.status === 200).length).toBe(1);
    });
  });

  it('honours Retry-After, re-prompts after a content-policy refusal, and pauses on an exhausted quota', async () => {
    await run(
      'errors',
      {
        latencyMs: 50,
        throttleFirst: { count: 1, retryAfterSec: 1 },
        failJobWhenPromptHas: { blood: { code: 'moderation_blocked', message: 'blocked by moderation' } },
      },
      {},
      async ({ bf, emu }) => {
        const p = await bf.createProject({
          song: { path: song },
          options: { provider: 'emulated' },
          approvedUsd: APPROVE_ANY,
        });
        const now = await bf.waitFor(p.id);
        expect(now.status, now.error).toBe('done');
        // The throttled submission was tried again no sooner than the server asked.
        const [refused, ...rest] = emu.posts;
        expect(refused?.status).toBe(429);
        const retry = rest.find((x) => x.key === refused?.key);
        expect(retry!.at - refused!.at).toBeGreaterThanOrEqual(1000);
        // The refused prompt was softened and generated on a second attempt; one submission per attempt.
        const detail = await bf.getProject(p.id);
        const s1 = detail.shots.find((s) => s.id === 'shot-1')!;
        expect(s1.attempt).toBe(2);
        expect(s1.prompt).not.toMatch(/blood/);
        expect(emu.submissions.get('shot-1')).toBe(2);
        expect(emu.submissions.get('shot-2')).toBe(1);
        const log = await bf.decisions(p.id);
        expect(log.some((d) => d.shotId === 'shot-1' && /refused the prompt/.test(d.summary))).toBe(true);
      },
      { prompt: (i) => (i === 0 ? 'a blood red moon over the city' : `shot ${i + 1}`) },
    );
    await run('quota', { latencyMs: 50, quotaExhausted: true }, {}, async ({ bf }) => {
      const p = await bf.createProject({
        song: { path: song },
        options: { provider: 'emulated' },
        approvedUsd: APPROVE_ANY,
      });
      await bf.waitFor(p.id);
      const detail = await bf.getProject(p.id);
      expect(detail.project.status).toBe('paused');
      expect(detail.reason).toMatch(/provider emulated: quota exhausted \(insufficient quota\)/);
      expect(detail.costs.spentUsd).toBe(0); // the refused submission was refunded
    });
  });
});
