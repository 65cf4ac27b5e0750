import {
  type AudioAnalysis,
  type Budget,
  type EvaluationReport,
  type PluginContext,
  Revision,
  type Shot,
  type ShotMeasure,
  type Storyboard,
  Timeline,
  type TimelineItem,
  timelineProblem,
} from '@beatframe/core';

export interface PlanRevisionsOptions {
  storyboard?: Storyboard;
  /** The timeline the evaluated video was rendered from; needed for re-cuts and transitions. */
  timeline?: Timeline;
  /** The song analysis (sections) the report was made with; used to place transitions. */
  analysis?: AudioAnalysis;
  budget?: Budget;
  /** Price of regenerating one shot, USD (the provider's usdFor). Default 0 (offline providers). */
  costOf?: (shot: Shot) => number;
  /** This round (0 = after the first render). */
  round: number;
  maxRounds: number;
  /** Shortest a shot may become through a re-cut, seconds (default 0.5). */
  minShotSec?: number;
  /** Longest prompt the provider takes. */
  maxPromptChars?: number;
  /** At most this many shots regenerated per round (default 6). */
  maxRegenerations?: number;
}

const REVISION_MARK = ' Revision: ';

/**
 * Turns a report below its thresholds into concrete revisions, cheapest first: re-cuts that snap
 * off-beat cuts to the nearest beat, changed transitions at section changes, then regenerated shots with
 * revised prompts (black or frozen shots, shots whose mood or motion fights the music), within the budget
 * and the round limit. Every revision and every refusal is recorded as a decision.
 */
export async function planRevisions(
  report: EvaluationReport,
  opts: PlanRevisionsOptions,
  ctx: Partial<PluginContext> = {},
): Promise<Revision[]> {
  const record = async (summary: string, extra: { shotId?: string; output?: unknown } = {}) => {
    await ctx.decisions?.record({ stage: 'evaluate', role: 'editor', summary, ...extra });
  };
  if (report.passed) {
    await record(`round ${opts.round}: the render passed (score ${report.score.toFixed(2)}); no revisions`);
    return [];
  }
  if (opts.round >= opts.maxRounds) {
    await record(
      `round ${opts.round}: the round limit (${opts.maxRounds}) is reached; delivering as is (score ${report.score.toFixed(2)})`,
    );
    return [];
  }
  const out: Revision[] = [];
  if (opts.timeline) {
    out.push(...recuts(report, opts.timeline, opts.minShotSec ?? 0.5));
    if (opts.analysis) out.push(...transitions(opts.timeline, opts.analysis, report));
  }
  if (opts.storyboard) {
    const { chosen, skipped } = regenerations(report, opts);
    out.push(...chosen);
    for (const s of skipped) await record(s.summary, { shotId: s.shotId });
  }
  for (const r of out) {
    const parsed = Revision.parse(r);
    await record(describe(parsed), {
      ...('shotId' in parsed && parsed.shotId ? { shotId: parsed.shotId } : {}),
      output: parsed,
    });
  }
  await record(
    `round ${opts.round}: ${out.length} revision(s) (${countBy(out)}) for a score of ${report.score.toFixed(2)}`,
  );
  return out;
}

function recuts(report: EvaluationReport, timeline: Timeline, minShotSec: number): Revision[] {
  const fps = timeline.fps;
  const beatFrames = timeline.beatFrames.length
    ? [...timeline.beatFrames].sort((a, b) => a - b)
    : (report.beats ?? []).map((b) => Math.round(b * fps));
  if (!beatFrames.length) return [];
  const minFrames = Math.max(1, Math.round(minShotSec * fps));
  const tol = Math.max(2, Math.round(0.08 * fps));
  const out: Revision[] = [];
  const items = timeline.items;
  const moved = new Set<string>();
  for (const cut of report.cuts ?? []) {
    if (cut.kind !== 'hard' || cut.onBeat !== false) continue;
    const cutFrame = Math.round(cut.timeSec * fps);
    let idx = -1;
    for (let i = 1; i < items.length; i++)
      if (
        Math.abs(cutFrameOf(items[i]!) - cutFrame) <= tol &&
        (idx < 0 || Math.abs(cutFrameOf(items[i]!) - cutFrame) < Math.abs(cutFrameOf(items[idx]!) - cutFrame))
      )
        idx = i;
    if (idx < 0) continue;
    const item = items[idx]!;
    const prev = items[idx - 1]!;
    if (moved.has(item.id)) continue;
    const cutAt = cutFrameOf(item);
    const target = nearest(beatFrames, cutAt);
    if (target === undefined || target === cutAt) continue;
    const delta = target - cutAt;
    const t = item.transitionIn?.durationFrames ?? 0;
    // Both shots keep at least minFrames and still hold the whole transition.
    if (
      prev.durationFrames + delta < Math.max(minFrames, t) ||
      item.durationFrames - delta < Math.max(minFrames, t)
    )
      continue;
    moved.add(item.id);
    out.push({
      kind: 'recut',
      itemId: item.id,
      ...(item.shotId ? { shotId: item.shotId } : {}),
      fromFrame: item.startFrame,
      toFrame: item.startFrame + delta,
      reason: `cut at ${cut.timeSec.toFixed(2)} s is ${Math.round(Math.abs(cut.beatDeltaSec ?? 0) * 1000)} ms off the beat`,
    });
  }
  return out;
}

function transitions(timeline: Timeline, analysis: AudioAnalysis, report: EvaluationReport): Revision[] {
  const fps = timeline.fps;
  const beatFrames = Math.max(2, Math.round((fps * 60) / Math.max(40, analysis.bpm || 120)));
  const offset = report.metrics.audioOffsetSec ?? 0;
  const out: Revision[] = [];
  const sectionAt = (t: number) => analysis.sections.find((s) => t >= s.start && t < s.end);
  for (let i = 1; i < timeline.items.length; i++) {
    const item = timeline.items[i]!;
    const t = cutFrameOf(item) / fps - offset;
    const kind = item.transitionIn?.kind ?? 'cut';
    const soft = kind !== 'cut' && (item.transitionIn?.durationFrames ?? 0) > 0;
    const boundary = analysis.sections.find(
      (s) => s.start > 0 && Math.abs(s.start - t) <= (beatFrames / fps) * 1.01,
    );
    const before = boundary ? sectionAt(boundary.start - 0.01) : undefined;
    if (boundary && before && before.energy - boundary.energy >= 0.3 && !soft) {
      out.push({
        kind: 'transition',
        itemId: item.id,
        ...(item.shotId ? { shotId: item.shotId } : {}),
        transition: {
          kind: 'fade',
          durationFrames: Math.min(
            beatFrames,
            Math.floor(item.durationFrames / 2),
            Math.floor(timeline.items[i - 1]!.durationFrames / 2),
          ),
        },
        reason: `the music drops from ${before.label} (${before.energy.toFixed(2)}) to ${boundary.label} (${boundary.energy.toFixed(2)}): a fade carries the calm in`,
      });
      continue;
    }
    const here = sectionAt(t + 0.01);
    if (soft && here && here.energy >= 0.7 && !boundary) {
      out.push({
        kind: 'transition',
        itemId: item.id,
        ...(item.shotId ? { shotId: item.shotId } : {}),
        transition: { kind: 'cut', durationFrames: 0 },
        reason: `a ${kind} inside the loud ${here.label} (${here.energy.toFixed(2)}) blurs the beat: hard cut instead`,
      });
    }
  }
  return out;
}

interface Candidate {
  shot: Shot;
  severity: number;
  reasons: string[];
  clauses: string[];
}

function regenerations(
  report: EvaluationReport,
  opts: PlanRevisionsOptions,
): { chosen: Revision[]; skipped: Array<{ shotId: string; summary: string }> } {
  const sb = opts.storyboard!;
  const byId = new Map(sb.shots.map((s) => [s.id, s]));
  const cands = new Map<string, Candidate>();
  const add = (m: ShotMeasure, severity: number, reason: string, clause: string) => {
    const shot = m.shotId ? byId.get(m.shotId) : undefined;
    if (!shot) return;
    const c = cands.get(shot.id) ?? { shot, severity: 0, reasons: [], clauses: [] };
    c.severity = Math.max(c.severity, severity);
    if (!c.reasons.includes(reason)) c.reasons.push(reason);
    if (!c.clauses.includes(clause)) c.clauses.push(clause);
    cands.set(shot.id, c);
  };
  for (const m of report.shots ?? []) {
    const energy = m.musicEnergy ?? 0.5;
    if ((m.blackShare ?? 0) > 0.3 || (m.frozenShare ?? 0) > 0.3)
      add(
        m,
        3,
        (m.blackShare ?? 0) > 0.3 ? 'the clip is black' : 'the clip freezes',
        'Continuous visible motion from start to end, well lit subject, no black or still frames.',
      );
    if (m.vision && m.vision.moodFit < 0.4)
      add(
        m,
        2 + (0.4 - m.vision.moodFit),
        `the picture feels "${m.vision.mood}", not the ${energy >= 0.6 ? 'intense' : energy <= 0.35 ? 'calm' : 'steady'} music`,
        `Mood: ${byId.get(m.shotId ?? '')?.mood ?? (energy >= 0.6 ? 'intense, euphoric' : 'calm, tender')}.${m.vision.notes ? ` ${m.vision.notes}` : ''}`,
      );
    const gap = energy - m.arousal;
    if (energy >= 0.6 && gap >= 0.3)
      add(
        m,
        1 + gap,
        `little motion (${m.arousal.toFixed(2)}) in a loud section (${energy.toFixed(2)})`,
        'Fast dynamic camera movement, energetic action, quick motion, vivid saturated colours, bright light.',
      );
    if (energy <= 0.4 && -gap >= 0.3)
      add(
        m,
        1 - gap,
        `busy picture (${m.arousal.toFixed(2)}) in a quiet section (${energy.toFixed(2)})`,
        'Slow gentle camera drift, calm still scene, soft dim light, muted cool colours.',
      );
  }
  const remaining =
    opts.budget?.maxUsd !== undefined
      ? Math.max(0, opts.budget.maxUsd - opts.budget.spentUsd)
      : Number.POSITIVE_INFINITY;
  const limit = opts.maxRegenerations ?? 6;
  let spent = 0;
  const chosen: Revision[] = [];
  const skipped: Array<{ shotId: string; summary: string }> = [];
  for (const c of [...cands.values()].sort((a, b) => b.severity - a.severity)) {
    const cost = Math.max(0, opts.costOf?.(c.shot) ?? 0);
    if (chosen.length >= limit) {
      skipped.push({
        shotId: c.shot.id,
        summary: `not regenerating ${c.shot.id}: ${limit} regenerations per round already planned`,
      });
      continue;
    }
    if (spent + cost > remaining + 1e-9) {
      skipped.push({
        shotId: c.shot.id,
        summary: `not regenerating ${c.shot.id} (${c.reasons.join('; ')}): $${cost.toFixed(2)} exceeds the $${(remaining - spent).toFixed(2)} left in the budget`,
      });
      continue;
    }
    spent += cost;
    chosen.push({
      kind: 'regenerate',
      shotId: c.shot.id,
      prompt: revisePrompt(c.shot.prompt ?? c.shot.description, c.clauses, opts.maxPromptChars),
      reason: c.reasons.join('; '),
      estimatedUsd: Math.round(cost * 10000) / 10000,
    });
  }
  return { chosen, skipped };
}

/** The shot's prompt without earlier revision notes, plus this round's; trimmed to the provider's limit. */
export function revisePrompt(prompt: string, clauses: string[], maxChars?: number): string {
  const base = prompt.split(REVISION_MARK)[0]!.trim();
  let note = `${REVISION_MARK}${clauses.join(' ')}`;
  if (maxChars && base.length + note.length > maxChars) {
    note = note.slice(0, Math.max(0, maxChars - base.length));
    if (note.length < REVISION_MARK.length + 10) return `${clauses.join(' ')} ${base}`.slice(0, maxChars);
  }
  return `${base}${note}`;
}

/**
 * The frame where the picture changes from the previous item to this one: the item's start for a hard cut,
 * the middle of its transition otherwise (the compositor centres transitions on the cut).
 */
export function cutFrameOf(item: TimelineItem): number {
  return item.startFrame + Math.floor((item.transitionIn?.durationFrames ?? 0) / 2);
}

/**
 * Applies re-cuts and transition changes to a timeline (regenerations are the generate stage's job),
 * keeping the compositor's invariant: an item starts where the previous one ends minus its transition,
 * and a transition fits inside both neighbours. A revision that no longer fits is left out.
 */
export function applyRevisions(timeline: Timeline, revisions: Revision[]): Timeline {
  let t = Timeline.parse(JSON.parse(JSON.stringify(timeline)));
  for (const r of revisions) {
    if (r.kind === 'regenerate') continue;
    const before = JSON.stringify(t);
    const idx = t.items.findIndex((i) => i.id === r.itemId);
    const item = t.items[idx];
    const prev = t.items[idx - 1];
    if (!item || !prev) continue;
    const tOld = item.transitionIn?.durationFrames ?? 0;
    if (r.kind === 'transition') {
      // The cut stays where it is; the overlap around it grows or shrinks.
      const cut = cutFrameOf(item);
      const tNew = r.transition.kind === 'cut' ? 0 : r.transition.durationFrames;
      const start = cut - Math.floor(tNew / 2);
      const prevEnd = cut + Math.ceil(tNew / 2);
      const itemEnd = item.startFrame + item.durationFrames;
      if (prevEnd - prev.startFrame < Math.max(1, tNew) || itemEnd - start < Math.max(1, tNew)) continue;
      prev.durationFrames = prevEnd - prev.startFrame;
      item.startFrame = start;
      item.durationFrames = itemEnd - start;
      item.transitionIn = { ...r.transition, durationFrames: tNew };
    }
    if (r.kind === 'recut') {
      if (item.startFrame !== r.fromFrame) continue;
      const delta = r.toFrame - r.fromFrame;
      if (prev.durationFrames + delta < Math.max(1, tOld) || item.durationFrames - delta < Math.max(1, tOld))
        continue;
      prev.durationFrames += delta;
      item.startFrame = r.toFrame;
      item.durationFrames -= delta;
    }
    // A change that breaks a neighbour (its own transition no longer fits) is undone.
    if (timelineProblem(t)) t = Timeline.parse(JSON.parse(before));
  }
  return Timeline.parse(t);
}

function nearest(sorted: number[], x: number): number | undefined {
  let best: number | undefined;
  for (const v of sorted) if (best === undefined || Math.abs(v - x) < Math.abs(best - x)) best = v;
  return best;
}

function describe(r: Revision): string {
  if (r.kind === 'recut')
    return `re-cut ${r.shotId ?? r.itemId}: move its start from frame ${r.fromFrame} to ${r.toFrame} (${r.reason})`;
  if (r.kind === 'transition')
    return `transition into ${r.shotId ?? r.itemId}: ${r.transition.kind} (${r.reason})`;
  return `regenerate ${r.shotId} ($${r.estimatedUsd.toFixed(2)}): ${r.reason}`;
}

function countBy(rs: Revision[]): string {
  const c: Record<string, number> = {};
  for (const r of rs) c[r.kind] = (c[r.kind] ?? 0) + 1;
  return (
    Object.entries(c)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ') || 'none'
  );
}
