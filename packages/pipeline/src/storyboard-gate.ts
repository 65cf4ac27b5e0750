import { estimateLine, usd } from './ceiling.js';

/**
 * The one approval before paid video, on stills. With keyframes on a paid video model, the cost approval and
 * the storyboard approval are one pause: the stills are made first (they are the storyboard) and the project
 * then waits with the whole bill on one screen, the stills spent and the video still to come. The stills are
 * only bought without asking when they are free or already approved (`--max-cost`-style approvals, `--yes`);
 * otherwise a first, small pause asks for the stills alone. An approval that covers the whole estimate
 * (`--yes`) is the storyboard's approval too: nothing pauses.
 */

const EPS = 1e-9;
const shots = (n: number) => (n === 1 ? '1 shot' : `${n} shots`);
/** Up to the cent: an approval asked for never falls short of the amount by rounding. */
const cents = (usd: number) => Math.ceil(usd * 100 - 1e-6) / 100;

/** Reasons start "awaiting approval" (every surface asks), then say which of the two pauses this is. */
export const STILLS_FIRST = 'awaiting approval: the storyboard first';
export const STORYBOARD_READY = 'awaiting approval: the storyboard is ready';

export type StoryboardPhase = 'stills' | 'review';

/** Which storyboard pause a paused project's reason is, if any. */
export function storyboardPhase(reason: string | null | undefined): StoryboardPhase | undefined {
  if (reason?.startsWith(STILLS_FIRST)) return 'stills';
  if (reason?.startsWith(STORYBOARD_READY)) return 'review';
  return undefined;
}

export interface GateInput {
  projectId: string;
  provider: string;
  /** The first cut and its upper bound, stills included. */
  estimateUsd: number;
  estimateMaxUsd: number;
  /** What the stills of the estimate cost (0 when free). */
  stillsUsd: number;
  approvedUsd: number | null;
  /** Keyframes are made for this project (an image model and an image-to-video model). */
  keyframes: boolean;
  /** Every still exists already. */
  stillsMade: boolean;
  stills: number;
  /** Spent on stills so far (re-rolls included). */
  stillsSpentUsd: number;
}

export type GateStep =
  | { kind: 'go' }
  | { kind: 'make-stills' }
  | { kind: 'pause'; reason: string; approvalNeededUsd: number };

/** The video part of the estimate: what the storyboard screen says is still to come. */
export function videoRange(g: Pick<GateInput, 'estimateUsd' | 'estimateMaxUsd' | 'stillsUsd'>) {
  const firstCutUsd = Math.max(0, g.estimateUsd - g.stillsUsd);
  return { firstCutUsd, upToUsd: Math.max(firstCutUsd, (g.estimateMaxUsd || g.estimateUsd) - g.stillsUsd) };
}

/** What the generate stage does next: go on, make the stills, or pause for a person. */
export function storyboardGate(g: GateInput): GateStep {
  const approved = g.approvedUsd ?? -1;
  const coversAll = !(g.estimateUsd > EPS) || approved + EPS >= g.estimateUsd;
  const approve = `approve it with \`beatframe resume ${g.projectId} --yes\``;
  if (!g.keyframes) {
    if (coversAll) return { kind: 'go' };
    return {
      kind: 'pause',
      approvalNeededUsd: Math.max(g.estimateMaxUsd, g.estimateUsd),
      reason: `awaiting approval: the estimate is ${estimateLine({ firstCutUsd: g.estimateUsd, upToUsd: g.estimateMaxUsd })} on ${g.provider}; ${approve}`,
    };
  }
  const video = videoRange(g);
  if (!g.stillsMade) {
    if (coversAll || !(g.stillsUsd > EPS) || approved + EPS >= g.stillsUsd) return { kind: 'make-stills' };
    return {
      kind: 'pause',
      approvalNeededUsd: cents(g.stillsUsd),
      reason: `${STILLS_FIRST}: a still for ${g.stills === 1 ? 'the one shot' : `each of the ${shots(g.stills)}`} (and the characters' reference stills) for ${usd(g.stillsUsd)}, then the video (${estimateLine(video)} on ${g.provider}) is approved on the stills; make them with \`beatframe resume ${g.projectId} --max-cost ${cents(g.stillsUsd).toFixed(2)}\`, or approve everything with \`beatframe resume ${g.projectId} --yes\``,
    };
  }
  if (coversAll || !(video.firstCutUsd > EPS)) return { kind: 'go' };
  return {
    kind: 'pause',
    approvalNeededUsd: Math.max(g.estimateMaxUsd, g.estimateUsd),
    reason: `${STORYBOARD_READY} (a keyframe for ${g.stills === 1 ? 'the one shot' : `each of the ${shots(g.stills)}`}, ${usd(g.stillsSpentUsd)} spent on stills); the video still to come costs ${estimateLine(video)} on ${g.provider}; re-roll a still with \`beatframe stills ${g.projectId} --reroll N\`, ${approve}`,
  };
}
