/**
 * The approved amount is a ceiling: the estimate says both what the first cut costs and how far retakes
 * and revision rounds may take it, and nothing is paid past what a person approved.
 */

/**
 * What `--yes` sends before the estimate exists: "what the estimate will say". Once the plan is priced it
 * becomes the estimate's upper bound, so `--yes` never approves an unbounded amount.
 */
export const APPROVE_ANY = 1e12;

/** Share of the first cut kept for retakes (refusals, one review retake, revision rounds). */
export const RETAKE_SHARE = 0.5;

export interface EstimateRange {
  firstCutUsd: number;
  /** The first cut plus the retake allowance: what `--yes` approves. */
  upToUsd: number;
}

const cents = (usd: number) => Math.ceil(usd * 100 - 1e-6) / 100;

/**
 * The range to approve. Retakes are bounded: at most RETAKE_SHARE of the first cut, and never less than one
 * of its dearest shots (so one refusal can be redone); none when the project allows no retake at all.
 */
export function estimateRange(
  shotUsd: number[],
  opts: { maxAttemptsPerShot: number; maxRounds: number },
): EstimateRange {
  const first = shotUsd.reduce((a, b) => a + b, 0);
  const firstCutUsd = Math.round(first * 10000) / 10000;
  if (!(first > 0)) return { firstCutUsd, upToUsd: firstCutUsd };
  // Failed and refused jobs are not charged; a retake is a second paid clip of a shot.
  const retakes = opts.maxAttemptsPerShot > 1 || opts.maxRounds > 0;
  const allowance = retakes ? Math.max(Math.max(...shotUsd), first * RETAKE_SHARE) : 0;
  return { firstCutUsd, upToUsd: cents(first + allowance) };
}

export function usd(n: number): string {
  return `$${n.toFixed(2)}`;
}

/** "$4.20 for the first cut, up to $6.30 with retakes and revisions". */
export function estimateLine(r: EstimateRange): string {
  if (r.upToUsd <= r.firstCutUsd + 1e-9) return `${usd(r.firstCutUsd)} for the first cut (no retakes)`;
  return `${usd(r.firstCutUsd)} for the first cut, up to ${usd(r.upToUsd)} with retakes and revisions`;
}

/** The amount an approval must reach for the next paid clip, rounded up to the cent. */
export function approvalNeeded(spentUsd: number, nextUsd: number): number {
  return cents(spentUsd + nextUsd);
}

/** The pause reason when the approval is used up: it starts "awaiting approval" so every surface asks again. */
export function ceilingReason(
  projectId: string,
  p: { approvedUsd: number; spentUsd: number; nextUsd: number },
): string {
  const need = approvalNeeded(p.spentUsd, p.nextUsd);
  return `awaiting approval: the approved ${usd(p.approvedUsd)} is used (${usd(p.spentUsd)} spent, the next clip costs ${usd(p.nextUsd)}); raise it with \`beatframe resume ${projectId} --max-cost ${need.toFixed(2)}\``;
}

/** A cap set below the first cut cannot make the video: said before anything is spent. */
export function capWarning(maxUsd: number | null | undefined, r: EstimateRange): string | undefined {
  if (maxUsd == null || maxUsd + 1e-9 >= r.firstCutUsd) return undefined;
  return `the cap ${usd(maxUsd)} cannot cover the first cut (${usd(r.firstCutUsd)}): generation will pause at ${usd(maxUsd)}; raise it with \`resume --max-cost\``;
}
