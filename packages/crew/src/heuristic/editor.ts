import type { ClipReview, Revision, RevisionInput, Shot, Storyboard, StyleBible } from '@beatframe/core';
import type { ClipMetrics } from '../clipCheck.js';
import { fitPrompt, stylePart } from '../prompting.js';

export interface ReviewFacts {
  shot: Shot;
  storyboard: Storyboard;
  metrics: ClipMetrics;
  attempt: number;
  maxAttempts: number;
  expected?: { width?: number; height?: number; seconds?: number };
  canRemix?: boolean;
  maxPromptChars?: number;
}

/** Motion the section's energy calls for, on the same scale as ClipMetrics.motion. */
export function expectedMotion(energy: number): { min: number; max: number } {
  return { min: 0.004 + 0.02 * energy, max: 0.05 + 0.2 * energy };
}

/** Problems a clip has, each with the words a revised prompt needs to fix it. */
export function clipProblems(f: ReviewFacts): Array<{ reason: string; fix?: string; fatal: boolean }> {
  const { metrics: m, shot } = f;
  const out: Array<{ reason: string; fix?: string; fatal: boolean }> = [];
  const want = f.expected?.seconds ?? shot.clipSeconds;
  const slot = shot.end - shot.start;
  // A clip shorter than its slot must be looped by the edit; far shorter than asked is a broken take.
  if (want && m.durationSec < want * 0.7 && m.durationSec < slot)
    out.push({ reason: `clip runs ${m.durationSec.toFixed(1)} s, ${want} s were asked`, fatal: true });
  if (f.expected?.width && f.expected.height && m.width && m.height) {
    const ar = m.width / m.height;
    const want = f.expected.width / f.expected.height;
    if (Math.abs(ar - want) / want > 0.05)
      out.push({
        reason: `aspect ${m.width}x${m.height} differs from the requested ${f.expected.width}x${f.expected.height}`,
        fatal: true,
      });
    else if (m.height < f.expected.height * 0.5)
      out.push({
        reason: `resolution ${m.width}x${m.height} is under half the requested ${f.expected.width}x${f.expected.height}`,
        fatal: true,
      });
  }
  if (m.frames === 0) out.push({ reason: 'no decodable video frames', fatal: true });
  if (m.blackShare > 0.5)
    out.push({
      reason: `${Math.round(m.blackShare * 100)}% of frames are black`,
      fix: 'Well lit, clearly visible subject, no fades to black.',
      fatal: true,
    });
  if (m.frozenShare > 0.8 && m.frames > 3 && m.blackShare <= 0.5)
    out.push({
      reason: `${Math.round(m.frozenShare * 100)}% of frames are frozen`,
      fix: 'Continuous visible motion throughout the shot.',
      fatal: true,
    });
  const band = expectedMotion(shot.energy);
  if (m.frozenShare <= 0.8 && m.motion < band.min && shot.energy >= 0.6)
    out.push({
      reason: `motion ${m.motion.toFixed(3)} is too calm for a ${shot.energy.toFixed(2)}-energy shot`,
      fix: 'Fast, dynamic camera movement and energetic action.',
      fatal: false,
    });
  if (m.motion > band.max && shot.energy <= 0.35)
    out.push({
      reason: `motion ${m.motion.toFixed(3)} is too busy for a ${shot.energy.toFixed(2)}-energy shot`,
      fix: 'Slow, steady camera, gentle movement, calm.',
      fatal: false,
    });
  return out;
}

/**
 * The shot's prompt with the fixes in front; the style bible stays (added back once if the prompt
 * carried it), and the old prompt is what gets shortened when the limit bites.
 */
export function revisedPrompt(base: string, fixes: string[], bible: StyleBible, max: number): string {
  const style = stylePart(bible);
  const body = base.replace(style.text, '').replace(/\s+/g, ' ').trim();
  return fitPrompt([{ text: [...fixes, body].join(' '), priority: 50 }, style], max);
}

/** Accept, or ask for a new take with the prompt revised for what went wrong; bounded by attempts. */
export function heuristicReview(f: ReviewFacts): ClipReview {
  const problems = clipProblems(f);
  const score = Math.max(0, 1 - problems.reduce((s, p) => s + (p.fatal ? 0.5 : 0.25), 0));
  if (problems.length === 0)
    return { action: 'accept', reasons: ['duration, frame size, exposure and motion fit the shot'], score };
  const reasons = problems.map((p) => p.reason);
  if (f.attempt >= f.maxAttempts)
    return {
      action: 'accept',
      reasons: [...reasons, `accepted at attempt ${f.attempt} of ${f.maxAttempts}`],
      score,
    };
  const fixes = problems.map((p) => p.fix).filter((x): x is string => !!x);
  const prompt = revisedPrompt(
    f.shot.prompt ?? f.shot.description,
    fixes,
    f.storyboard.styleBible,
    f.maxPromptChars ?? 2000,
  );
  // A remix keeps what worked and changes motion; a broken file needs a fresh take.
  const onlyMotion = problems.every((p) => !p.fatal);
  return { action: onlyMotion && f.canRemix ? 'remix' : 'regenerate', reasons, prompt, score };
}

/**
 * The shots the editor would generate again after an evaluation: the ones the report blames, or the loudest when
 * motion follows the music weakly and nobody is blamed. Re-cuts and transitions are the timeline's business
 * (@beatframe/evaluate's planRevisions, which has the timeline).
 */
export function heuristicRevisions(input: RevisionInput): Revision[] {
  const { report, storyboard, shots } = input;
  const m = report.metrics;
  const out: Revision[] = [];
  const bible = storyboard.styleBible;
  const revise = (shot: Shot, fix: string) =>
    revisedPrompt(shot.prompt ?? shot.description, [fix], bible, 2000);
  const byId = new Map(shots.map((s) => [s.id, s]));
  const atTime = (t: number) => shots.find((s) => t >= s.start && t < s.end);
  const blamed = new Set<string>();
  for (const issue of report.issues) {
    if (issue.severity === 'info') continue;
    const shot =
      (issue.shotId ? byId.get(issue.shotId) : undefined) ??
      (issue.atSec !== undefined ? atTime(issue.atSec) : undefined);
    if (!shot || blamed.has(shot.id)) continue;
    const kind = issue.kind.toLowerCase();
    const fix = /black|dark/.test(kind)
      ? 'Well lit, clearly visible subject, no fades to black.'
      : /frozen|static|duplicate/.test(kind)
        ? 'Continuous visible motion throughout the shot.'
        : /motion|energy/.test(kind)
          ? shot.energy > 0.5
            ? 'Fast, dynamic camera movement and energetic action.'
            : 'Slow, steady camera, gentle movement, calm.'
          : undefined;
    if (!fix) continue;
    blamed.add(shot.id);
    out.push({
      kind: 'regenerate',
      shotId: shot.id,
      prompt: revise(shot, fix),
      reason: `${issue.kind}: ${issue.message}`,
      estimatedUsd: 0,
    });
  }
  // Weak motion–energy fit with nobody blamed: re-take the loudest shots, the ones viewers feel most.
  if (m.motionEnergyCorrelation !== undefined && m.motionEnergyCorrelation < 0.2 && blamed.size === 0) {
    const loud = [...shots]
      .sort((a, b) => b.energy - a.energy || a.index - b.index)
      .slice(0, Math.max(1, Math.round(shots.length / 5)));
    for (const shot of loud)
      out.push({
        kind: 'regenerate',
        shotId: shot.id,
        prompt: revise(shot, 'Fast, dynamic camera movement and energetic action.'),
        reason: `motion follows the music weakly (correlation ${m.motionEnergyCorrelation.toFixed(2)}); more movement where the song is loudest`,
        estimatedUsd: 0,
      });
  }
  return out;
}
