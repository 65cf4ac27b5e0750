import type { ClipReview } from '@beatframe/core';

/** Review verdicts about pacing: the edit's cuts, slow-downs and re-cuts answer those without a new clip. */
const PACING =
  /\b(calm|slow|static|still|sluggish|motion|movement|energy|pace|pacing|tempo|lively|dynamic)\b/i;

export interface RetakeVerdict {
  retake: boolean;
  why: string;
}

/**
 * Whether a review's "generate again" is worth paying for. A paid clip gets one review retake at most (its
 * first attempt only), and none for a pacing complaint the edit can fix for free; free clips follow the review.
 */
export function reviewRetake(
  review: Pick<ClipReview, 'action' | 'reasons'>,
  o: { attempt: number; maxAttempts: number; clipUsd: number },
): RetakeVerdict {
  if (review.action === 'accept') return { retake: false, why: 'accepted' };
  if (o.attempt >= o.maxAttempts) return { retake: false, why: `${o.maxAttempts} attempts used` };
  if (!(o.clipUsd > 0)) return { retake: true, why: 'a free clip: taken again' };
  if (o.attempt > 1)
    return { retake: false, why: 'a paid shot gets one retake at most, and this one had it' };
  const reasons = review.reasons.filter((r) => r.trim());
  if (reasons.length && reasons.every((r) => PACING.test(r)))
    return {
      retake: false,
      why: `"${reasons.join('; ')}" is pacing, which the edit's cuts and speed fix for free; not worth $${o.clipUsd.toFixed(2)}`,
    };
  return { retake: true, why: `one paid retake ($${o.clipUsd.toFixed(2)})` };
}
