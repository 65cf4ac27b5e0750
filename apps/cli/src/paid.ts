import { type Beatframe, capWarning, estimateLine, type ProjectDetail } from '@beatframe/pipeline';

/** "estimate: $4.20 for the first cut, up to $6.30 with retakes and revisions (9 shots on veo)", and any cap warning. */
export function estimateLines(d: ProjectDetail): string[] {
  const range = { firstCutUsd: d.costs.estimateUsd, upToUsd: d.costs.estimateMaxUsd ?? d.costs.estimateUsd };
  const lines = [
    `estimate: ${estimateLine(range)} (${d.shots.length} shots on ${d.project.options.provider})`,
  ];
  const warning = capWarning(d.costs.maxUsd, range);
  if (warning) lines.push(`warning: ${warning}`);
  return lines;
}

/**
 * Prints the estimate once the plan is priced, whether or not anyone is asked (`--yes` too): the first
 * cost event after the prompt stage carries it. Returns the unsubscribe function.
 */
export function printEstimateWhenPriced(bf: Beatframe, id: string, err: (s: string) => void): () => void {
  let printed = false;
  return bf.subscribe(id, (ev) => {
    if (printed || ev.type !== 'cost' || !(ev.estimateUsd > 0)) return;
    printed = true;
    void bf.getProject(id).then(
      (d) => {
        for (const line of estimateLines(d)) err(line);
      },
      () => {},
    );
  });
}

/** The notices every surface says out loud (a failed evaluation, a crew fallback). */
export function noticeLines(d: ProjectDetail): string[] {
  return d.notices.map((n) => `note: ${n}`);
}

/** What an approval asked of a person should cover: what the paused clip needs, or the estimate's upper bound. */
export function amountToApprove(d: ProjectDetail): number {
  return Math.max(d.costs.approvalNeededUsd ?? 0, d.costs.estimateMaxUsd ?? 0, d.costs.estimateUsd);
}
