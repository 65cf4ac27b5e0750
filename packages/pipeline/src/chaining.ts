import { existsSync } from 'node:fs';
import type { ClipRequest, ProjectOptions, Shot, Storyboard, VideoProvider } from '@beatframe/core';
import { continuesPrevious } from '@beatframe/crew';
import { addNotes } from './clip-request.js';
import { keyframePath } from './keyframes.js';

/**
 * Chaining within one continuous scene (issue 23): a shot that the next one carries on (the crew's `continuous`, or
 * its rule: same scene, no gap, same characters) is asked to end on the next shot's keyframe, on models whose
 * last-frame conditioning takes one (Veo 3.1, Veo 3.1 through Runway, ComfyUI workflows with an end-image node).
 * The clip then starts on its own keyframe and lands on the next one, so the cut between them is seamless.
 *
 * Why the last frame and not the previous clip's extracted last frame: no shot waits for another (the jobs stay
 * parallel), and the request is fixed before anything is paid (two paths known in advance), so its digest, the job
 * id, is the same after a crash and a resume never pays twice. Models that take a start image only (Runway Gen-4.5,
 * fal Kling) are not chained: each shot already starts from its own keyframe.
 *
 * Cost: Veo 3.1 makes a clip with a last frame at 8 s only (at 720p 4 and 6 s are offered otherwise). A shot asked
 * at a length the model does not make with a last frame is not chained, so the estimate and the budget hold: the
 * decision log says which shots were chained and which were left unchained for cost.
 */
export interface ChainContext {
  provider: Pick<VideoProvider, 'capabilities'>;
  options: Pick<ProjectOptions, 'model' | 'keyframes'>;
  storyboard?: Storyboard | undefined;
  /** The shot's keyframe, when it was made (undefined otherwise). */
  keyframeOf(shotId: string): string | undefined;
}

/** The shot that comes after `shotId` in the storyboard, when it carries on from it (one continuous scene). */
export function nextInScene(storyboard: Storyboard, shotId: string): Shot | undefined {
  const shots = [...storyboard.shots].sort((a, b) => a.index - b.index);
  const i = shots.findIndex((s) => s.id === shotId);
  const next = i >= 0 ? shots[i + 1] : undefined;
  return next && continuesPrevious(shots[i], next, storyboard.styleBible) ? next : undefined;
}

/** The request with `lastFramePath` on the next shot's keyframe when the shot chains into it (see above). */
export function chainShot(req: ClipRequest, ctx: ChainContext): ClipRequest {
  if (!req.imagePath || !req.shotId || !ctx.storyboard || ctx.options.keyframes === false) return req;
  const frames = ctx.provider.capabilities.framesOf?.(ctx.options.model);
  if (!frames?.lastFrame) return req;
  const next = nextInScene(ctx.storyboard, req.shotId);
  const landing = next ? ctx.keyframeOf(next.id) : undefined;
  if (!next || !landing) return req;
  if (frames.lastFrameDurations && !frames.lastFrameDurations.includes(req.seconds))
    return addNotes(req, [
      `${req.shotId} not chained into ${next.id} (one continuous scene): the model ends on a given frame only in ${frames.lastFrameDurations.join('/')}-s clips, and this shot asks ${req.seconds} s; chaining would cost more than the estimate`,
    ]);
  return addNotes(
    { ...req, lastFramePath: landing },
    [
      `${req.shotId} ends on ${next.id}'s keyframe: one continuous scene (same section and setting, no gap, same characters), so the cut between them is seamless`,
    ],
    req,
  );
}

/** A shot's keyframe path when its file is there. */
export function existingKeyframe(projectDir: string, shotId: string): string | undefined {
  const path = keyframePath(projectDir, shotId);
  return existsSync(path) ? path : undefined;
}
