import type { Beatframe, PipelineEvent, StepTime } from '@beatframe/pipeline';

interface StageSpan {
  stage: string;
  startMs: number;
  endMs?: number;
  steps: StepTime[];
  /** When the stage last said how far it is (its own progress; a shot's, for generate). */
  lastMs: number;
  /** The longest time it said nothing, ms (the issue asks for word at least every second). */
  silentMs: number;
}

/**
 * `make --profile`: where a make's time went, per stage and per step of a stage, from the pipeline's own
 * events (the step times come with each stage's 'done'). Wall-clock as the user waits, so stages that
 * overlap or run again (a second round) show as they happened.
 */
export function watchProfile(bf: Beatframe, projectId: string, now: () => number = Date.now) {
  const started = now();
  const spans: StageSpan[] = [];
  const heard = (span: StageSpan | undefined) => {
    if (!span) return;
    const t = now();
    span.silentMs = Math.max(span.silentMs, t - span.lastMs);
    span.lastMs = t;
  };
  const off = bf.subscribe(projectId, (e: PipelineEvent) => {
    if (e.type === 'shot') {
      heard(spans.findLast((s) => s.stage === 'generate' && s.endMs === undefined));
      return;
    }
    if (e.type !== 'stage') return;
    const open = spans.findLast((s) => s.stage === e.stage && s.endMs === undefined);
    if (e.status === 'running' && !open) {
      const t = now();
      spans.push({ stage: e.stage, startMs: t, steps: [], lastMs: t, silentMs: 0 });
    } else if (e.status === 'running') heard(open);
    else if (e.status === 'done' || e.status === 'failed') {
      const t = now();
      const span = open ?? { stage: e.stage, startMs: t, steps: [], lastMs: t, silentMs: 0 };
      if (!open) spans.push(span);
      heard(span);
      span.endMs = t;
      span.steps = e.steps ?? [];
    }
  });
  return {
    stop: off,
    /** The profile as lines of text: stage, seconds, share of the whole, then its steps indented. */
    lines(songSec?: number): string[] {
      const total = (now() - started) / 1000;
      const out = [
        `profile: ${total.toFixed(1)} s in all${songSec ? ` for ${songSec.toFixed(1)} s of song (${(total / songSec).toFixed(2)} s per second of song)` : ''}`,
      ];
      for (const s of spans) {
        const sec = ((s.endMs ?? now()) - s.startMs) / 1000;
        out.push(
          `  ${s.stage.padEnd(9)} ${sec.toFixed(1).padStart(7)} s ${pct(sec, total)}${s.endMs === undefined ? ' (unfinished)' : ''}${s.silentMs >= 1000 ? `  (silent up to ${(s.silentMs / 1000).toFixed(1)} s)` : ''}`,
        );
        // A stage that never named a step has one, 'start': nothing more to say than its own line.
        const steps = s.steps.filter((st) => st.ms >= 50);
        if (steps.length === 1 && steps[0]?.step === 'start') continue;
        for (const st of steps)
          out.push(`    ${st.step.slice(0, 28).padEnd(28)} ${(st.ms / 1000).toFixed(1).padStart(7)} s`);
      }
      return out;
    },
  };
}

function pct(part: number, whole: number): string {
  return `${whole > 0 ? Math.round((part / whole) * 100) : 0}%`.padStart(4);
}
