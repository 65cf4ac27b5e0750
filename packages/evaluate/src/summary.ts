import type { EvaluationReport } from '@beatframe/core';

/** A short human summary of a report: a verdict line, one line per measure, then the issues. */
export function summarize(r: EvaluationReport): string {
  const m = r.metrics;
  const lines: string[] = [];
  const floor = r.thresholds?.minScore;
  lines.push(
    `Score ${r.score.toFixed(2)} — ${r.passed ? 'passed' : 'below thresholds'}${floor !== undefined ? ` (floor ${floor.toFixed(2)})` : ''}.`,
  );
  if (m.cutsOnBeatShare !== undefined)
    lines.push(
      `Cuts: ${m.cutCount} hard${m.gradualTransitionCount ? ` + ${m.gradualTransitionCount} gradual` : ''}, ${pct(m.cutsOnBeatShare)} on beats (chance ${pct(m.cutsOnBeatChance ?? 0)}, window ±${Math.round((m.onBeatWindowSec ?? 0.05) * 1000)} ms).`,
    );
  else
    lines.push(
      `Cuts: ${m.cutCount ?? 0} hard${m.gradualTransitionCount ? ` + ${m.gradualTransitionCount} gradual` : ''}.`,
    );
  if (m.motionEnergyCorrelation !== undefined)
    lines.push(
      `Motion vs music energy: r = ${m.motionEnergyCorrelation.toFixed(2)} (lag ${signed(m.motionEnergyLagSec ?? 0)} s).`,
    );
  const mood: string[] = [];
  if (m.moodEnergyCorrelation !== undefined)
    mood.push(`shot intensity vs section energy r = ${m.moodEnergyCorrelation.toFixed(2)}`);
  if (m.visionMoodFit !== undefined) mood.push(`vision mood fit ${m.visionMoodFit.toFixed(2)}`);
  if (mood.length) lines.push(`Mood: ${mood.join('; ')}.`);
  lines.push(
    `Frames: ${pct(m.blackFrameShare ?? 0, 1)} black, ${pct(m.frozenFrameShare ?? 0, 1)} frozen, ${pct(m.duplicateFrameShare ?? 0, 1)} duplicated; shot lengths CV ${(m.shotLengthCv ?? 0).toFixed(2)} over ${m.shotCount ?? 0} shots.`,
  );
  if (m.audioMatch !== undefined)
    lines.push(
      m.audioOffsetSec !== undefined
        ? `Audio: matches the song (offset ${signed(Math.round(m.audioOffsetSec * 1000))} ms, duration ${signed(m.audioDurationDiffSec ?? 0)} s).`
        : `Audio: does not match the song (match ${m.audioMatch.toFixed(2)}).`,
    );
  const shown = r.issues.filter((i) => i.severity !== 'info' || i.kind === 'fallback-analysis');
  if (shown.length) {
    lines.push('Issues:');
    for (const i of shown.slice(0, 8)) lines.push(`  - [${i.severity}] ${i.message}`);
    if (shown.length > 8) lines.push(`  - … and ${shown.length - 8} more`);
  }
  return lines.join('\n');
}

function pct(x: number, digits = 0): string {
  return `${(x * 100).toFixed(digits)}%`;
}
function signed(x: number): string {
  return x > 0 ? `+${x}` : String(x);
}
