import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AudioAnalysis, type EvaluationReport, silentLogger, Timeline } from '@beatframe/core';
import { decisions, openDatabase, projects, providerJobs } from '@beatframe/db';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { reserveSpend } from '../src/budget.js';
import { APPROVE_ANY, capWarning, estimateLine, estimateRange } from '../src/ceiling.js';
import { lastFreeRecut } from '../src/free-recut.js';
import { approvalFor, bookFailedJobAtZero, paidTwin, requestDigest } from '../src/ledger.js';
import { noticesOf } from '../src/notices.js';
import { reviewRetake } from '../src/retake-gate.js';

const opts = { maxAttemptsPerShot: 2, maxRounds: 1 };

describe('the estimate range and the approval', () => {
  it('says the first cut and the bounded upper figure; no retakes allowed means no allowance', () => {
    const r = estimateRange([0.4, 0.4, 0.6, 0.4], opts);
    expect(r).toEqual({ firstCutUsd: 1.8, upToUsd: 2.7 });
    expect(estimateLine(r)).toBe('$1.80 for the first cut, up to $2.70 with retakes and revisions');
    // One dear shot must be redoable even when half the first cut is less than it.
    expect(estimateRange([3, 0.1], opts).upToUsd).toBe(6.1);
    expect(estimateRange([1, 1], { maxAttemptsPerShot: 1, maxRounds: 0 })).toEqual({
      firstCutUsd: 2,
      upToUsd: 2,
    });
    expect(capWarning(1, r)).toMatch(/the cap \$1\.00 cannot cover the first cut \(\$1\.80\)/);
    expect(capWarning(5, r)).toBeUndefined();
  });

  it('--yes approves the upper bound once priced, never an unbounded amount', () => {
    const row = { estimateUsd: 4.2, estimateMaxUsd: 6.3, approvalNeededUsd: null };
    expect(approvalFor(row, APPROVE_ANY)).toBe(6.3);
    expect(approvalFor(row)).toBe(6.3);
    expect(approvalFor({ ...row, approvalNeededUsd: 7 }, APPROVE_ANY)).toBe(7);
    expect(approvalFor(row, 5)).toBe(5);
    expect(approvalFor({ estimateUsd: 0, estimateMaxUsd: 0, approvalNeededUsd: null }, APPROVE_ANY)).toBe(
      APPROVE_ANY,
    );
  });

  it('a paid clip gets one review retake at most, none for pacing; free clips follow the review', () => {
    const calm = { action: 'regenerate' as const, reasons: ['motion too calm for the chorus'] };
    const wrong = { action: 'regenerate' as const, reasons: ['shows a car instead of a paper boat'] };
    const o = { attempt: 1, maxAttempts: 3, clipUsd: 0.4 };
    expect(reviewRetake(calm, o).retake).toBe(false);
    expect(reviewRetake(wrong, o).retake).toBe(true);
    expect(reviewRetake(wrong, { ...o, attempt: 2 }).retake).toBe(false);
    expect(reviewRetake(calm, { ...o, clipUsd: 0 }).retake).toBe(true);
  });

  it('the digest changes with prompt, seed or start image, not with the shot id', () => {
    const req = { prompt: 'a paper boat', seconds: 4, size: '1280x720', shotId: 's1' };
    expect(requestDigest(req)).toBe(requestDigest({ ...req, shotId: 's2' }));
    expect(requestDigest(req)).not.toBe(requestDigest({ ...req, seed: 2 }));
    expect(requestDigest(req)).not.toBe(requestDigest({ ...req, imagePath: '/a.png' }));
    expect(requestDigest(req)).not.toBe(requestDigest({ ...req, prompt: 'a paper boat, softly' }));
  });
});

describe('the free re-cut after the last round', () => {
  it('is planned only when the rounds for new clips are used up and the evaluation failed', async () => {
    const report = { passed: false, score: 0.6 } as EvaluationReport;
    const p = { timeline: {} as never, analysis: {} as never, dir: '/nonexistent', round: 1, maxRounds: 2 };
    const ctx = { logger: silentLogger() };
    // Earlier rounds go through the ordinary revision path; a passed or round-less project delivers as is.
    expect(await lastFreeRecut(report, p, ctx)).toEqual([]);
    expect(await lastFreeRecut({ ...report, passed: true }, { ...p, round: 2 }, ctx)).toEqual([]);
    expect(await lastFreeRecut(report, { ...p, round: 0, maxRounds: 0 }, ctx)).toEqual([]);
    expect(await lastFreeRecut(report, { ...p, round: 3 }, ctx)).toEqual([]);
  });

  it('at the limit, moves an off-beat cut onto the beat and stores it for the next edit, with no new clip', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-recut-'));
    try {
      // 120 BPM at 30 fps: a beat every 15 frames; the second shot starts 7 frames late.
      const analysis = {
        version: 1,
        durationSec: 8,
        bpm: 120,
        tempoConfidence: 0.9,
        meter: { beatsPerBar: 4, beatUnit: 4 },
        beats: Array.from({ length: 16 }, (_, i) => i * 0.5),
        downbeats: [0, 2, 4, 6],
        sections: [{ start: 0, end: 8, label: 'verse', energy: 0.5 }],
        energy: { hopSec: 1, values: Array(8).fill(0.5) },
      } as AudioAnalysis;
      const item = (i: number, start: number, end: number) => ({
        id: `item${i}`,
        shotId: `s${i}`,
        src: `clip${i}.mp4`,
        startFrame: start,
        durationFrames: end - start,
        clipDurationSec: 4,
      });
      const timeline = Timeline.parse({
        version: 1,
        fps: 30,
        width: 320,
        height: 180,
        durationFrames: 240,
        audio: { src: 'song.wav', durationSec: 8 },
        beatFrames: analysis.beats.map((b) => Math.round(b * 30)),
        items: [item(1, 0, 127), item(2, 127, 240)],
      });
      const report = {
        version: 1,
        videoPath: 'v.mp4',
        score: 0.6,
        passed: false,
        metrics: {},
        issues: [{ kind: 'cut-off-beat', severity: 'warn', message: 'off the beat', shotId: 's2' }],
        summary: '',
        cuts: [
          { frame: 127, timeSec: 127 / 30, kind: 'hard', strength: 0.9, onBeat: false, beatDeltaSec: 7 / 30 },
        ],
      } as EvaluationReport;
      const fixes = await lastFreeRecut(
        report,
        { timeline, analysis, round: 1, maxRounds: 1, dir },
        { logger: silentLogger() },
      );
      expect(fixes).toEqual([
        expect.objectContaining({ kind: 'recut', itemId: 'item2', fromFrame: 127, toFrame: 120 }),
      ]);
      // Regenerations are never among them: they would cost money the rounds no longer allow.
      expect(fixes.some((f) => f.kind === 'regenerate')).toBe(false);
      const stored = JSON.parse(readFileSync(join(dir, 'revisions', 'round-001.json'), 'utf8'));
      expect(stored).toEqual(fixes);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the ledger (PGlite)', () => {
  it('the approval is a hard cap that asks again; failed jobs are booked at $0; a paid twin is found', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-ceiling-'));
    const database = await openDatabase({ dataDir: dir });
    try {
      await database.db
        .insert(projects)
        .values({ id: 'p', name: 'p', input: {}, options: {}, approvedUsd: 1 });
      const at = (shotId: string, attempt = 1) => ({
        projectId: 'p',
        shotId,
        attempt,
        provider: 'veo',
        usd: 0.4,
      });
      expect((await reserveSpend(database, {}, at('s1'))).ok).toBe(true);
      expect((await reserveSpend(database, {}, at('s2'))).ok).toBe(true);
      const third = await reserveSpend(database, {}, at('s3'));
      expect(third).toMatchObject({ ok: false, approvalNeededUsd: 1.2 });
      expect(third.ok ? '' : third.reason).toMatch(
        /^awaiting approval: the approved \$1\.00 is used \(\$0\.80 spent, the next clip costs \$0\.40\); raise it with `beatframe resume p --max-cost 1\.20`/,
      );
      const [row] = await database.db.select().from(projects).where(eq(projects.id, 'p'));
      expect(row).toMatchObject({ spentUsd: 0.8, approvalNeededUsd: 1.2 });

      // s2's job fails at the vendor: its $0.40 comes back, so s3 fits under the approval.
      const digest = requestDigest({ prompt: 'x', seconds: 4, size: '1280x720' });
      await database.db.insert(providerJobs).values([
        {
          projectId: 'p',
          shotId: 's1',
          attempt: 1,
          provider: 'veo',
          jobId: 'j1',
          ref: {},
          costUsd: 0.4,
          requestDigest: digest,
          state: 'done',
        },
        {
          projectId: 'p',
          shotId: 's2',
          attempt: 1,
          provider: 'veo',
          jobId: 'j2',
          ref: {},
          costUsd: 0.4,
          state: 'failed',
        },
      ]);
      expect(await bookFailedJobAtZero(database, { projectId: 'p', shotId: 's2', attempt: 1 })).toBeCloseTo(
        0.4,
      );
      expect(await bookFailedJobAtZero(database, { projectId: 'p', shotId: 's2', attempt: 1 })).toBe(0);
      expect((await reserveSpend(database, {}, at('s3'))).ok).toBe(true);
      expect(await paidTwin(database.db, 'p', digest)).toMatchObject({ shotId: 's1', attempt: 1 });
      expect(await paidTwin(database.db, 'p', 'other')).toBeUndefined();

      // Said out loud: the crew's fallback, and a delivered video whose evaluation failed, with what was tried.
      await database.db.insert(decisions).values([
        {
          projectId: 'p',
          role: 'planner',
          summary:
            'LLM planner failed after 3 attempt(s) (invalid: shots overlap); falling back to the heuristic planner',
          output: { fallback: 'heuristic' },
        },
        {
          projectId: 'p',
          role: 'pipeline',
          summary: 'evaluation scored 0.65 (did not pass): round 1 regenerates s3, s5',
        },
        {
          projectId: 'p',
          role: 'pipeline',
          summary: 'evaluation scored 0.70 (did not pass); no rounds left (max 1): delivering this cut',
        },
      ]);
      const evaluation = { score: 0.7, passed: false } as EvaluationReport;
      expect(await noticesOf(database.db, 'p', evaluation, 'done')).toEqual([
        'crew fell back: the LLM planner failed, the heuristic crew stood in (invalid: shots overlap)',
        'delivered, but the evaluation did not pass (score 0.70): tried round 1 regenerates s3, s5',
      ]);
      expect(await noticesOf(database.db, 'p', { ...evaluation, passed: true }, 'done')).toHaveLength(1);
      expect(
        await noticesOf(database.db, 'p', { skipped: 'the render could not be probed' }, 'done'),
      ).toContain('delivered without an evaluation: the render could not be probed');
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
