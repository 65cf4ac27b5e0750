/** Stage 6, review: the editor's judgement of each clip, with the continuity check against its keyframe. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Clip,
  type ClipReview,
  type Crew,
  type Shot,
  type Storyboard,
  userMessage,
  type VideoProvider,
} from '@beatframe/core';
import { continuityOf } from '../continuity.js';
import type { Engine } from '../engine.js';
import { keyframePath, shotCharacterReferences } from '../keyframes.js';
import { reviewRetake } from '../retake-gate.js';
import type { ShotRow } from '../store.js';
import type { StageCtx, StageResult } from './stage.js';

/** Added to a shot's prompt when its clip is made again because it left its keyframe. */
export const CONTINUITY_CUE =
  'Hold the start image: the same subject, face, wardrobe, colours, light and framing as its first frame.';

export async function reviewStage(this: Engine, ctx: StageCtx): Promise<StageResult> {
  const { storyboard } = await this.stageOutput<{ storyboard: Storyboard }>(ctx.project.id, 'prompt');
  const crew = await this.crew(ctx.options.crew);
  const rows = await this.shotRows(ctx.project.id);
  const toReview = rows.filter((r) => r.status === 'generated');
  // The editor checks each clip against what was asked of the provider, and may ask for a remix.
  const provider = await this.provider(ctx.options.provider);
  const canRemix = provider.capabilities.remix && typeof provider.remix === 'function';
  const again: string[] = [];
  const probed: string[] = [];
  let i = 0;
  for (const row of toReview) {
    ctx.progress(i++ / Math.max(1, toReview.length), `review: ${row.id}`);
    const clip = row.clip as Clip;
    const shot = { ...(row.shot as Shot), prompt: row.prompt };
    // A worker that died before making a clip's thumbnail left it to this stage.
    if (!row.thumbnailPath || !existsSync(row.thumbnailPath))
      await this.shotThumbnail(ctx.project.id, row.id, row.attempt, clip).catch((err) =>
        ctx.logger.warn({ err: userMessage(err) }, 'no thumbnail for the clip'),
      );
    const asked = this.clipRequest(provider, ctx.options, row);
    const [width, height] = asked.size.split('x').map(Number);
    // Deterministic clips are ffprobe-verified at download (size, length): a new take of the same
    // request is the same clip, so sampling frames and a review (~2 s a clip) cannot improve them.
    if (
      provider.capabilities.deterministic &&
      clip.width === width &&
      clip.height === height &&
      Math.abs(clip.durationSec - asked.seconds) < 0.5
    ) {
      await this.setShot(ctx.project.id, row.id, { status: 'accepted' });
      probed.push(row.id);
      continue;
    }
    const framePaths = await this.extractFrames(clip, join(ctx.dir, 'frames', `${row.id}-a${row.attempt}`));
    const review = await crew.review(
      {
        shot,
        clip,
        storyboard,
        framePaths,
        attempt: row.attempt,
        maxAttempts: ctx.options.maxAttemptsPerShot,
        // A hand-supplied clip is what the user chose: the compositor fits it, a new take would not differ.
        ...(provider.capabilities.userClips
          ? {}
          : {
              expected: {
                width,
                height,
                seconds: asked.seconds,
                maxPromptChars: provider.capabilities.maxPromptChars,
              },
            }),
        canRemix,
      },
      { ...ctx.plugin, logger: ctx.logger.child({ shotId: row.id }) },
    );
    const judged = await this.judgeContinuity(ctx, provider, row, clip, review, { crew, storyboard });
    const verdict = reviewRetake(judged, {
      attempt: row.attempt,
      maxAttempts: ctx.options.maxAttemptsPerShot,
      clipUsd: provider.capabilities.usdFor(asked),
    });
    if (verdict.retake) {
      again.push(row.id);
      await this.setShot(ctx.project.id, row.id, {
        status: 'pending',
        prompt: judged.prompt ?? row.prompt,
        attempt: row.attempt + 1,
        retries: 0,
        progress: 0,
        error: null,
      });
    } else {
      if (judged.action !== 'accept')
        await ctx.decisions.record({
          role: 'pipeline',
          shotId: row.id,
          summary: `kept ${row.id} although the editor asked to ${judged.action}${judged === review ? '' : ` (${judged.reasons.join('; ')})`}: ${verdict.why}`,
        });
      await this.setShot(ctx.project.id, row.id, { status: 'accepted' });
    }
  }
  if (probed.length)
    await ctx.decisions.record({
      role: 'editor',
      summary: `accepted ${probed.length} ${provider.name} clip(s) on their ffprobe check alone (deterministic: a new take would be the same clip)`,
      output: { shots: probed },
    });
  if (again.length) {
    ctx.logger.info({ shots: again }, `review: ${again.length} shot(s) to generate again`);
    await this.moveBack(ctx.project.id, 'review', 'generate');
    return { kind: 'moved' };
  }
  return { kind: 'done', output: { accepted: toReview.length } };
}

/**
 * The editor's continuity check: a clip made from its keyframe that left it is sent back to be made again from
 * the keyframe, with words that hold it to the start image (so a seedless model's retake is not the identical
 * request). A crew with a vision model judges by eye, against the keyframe and the characters' reference stills;
 * without one (or when its model fails) the drift is measured (continuity.ts). The retake then goes through the
 * one-retake rule and the budget.
 */
export async function judgeContinuity(
  this: Engine,
  ctx: StageCtx,
  provider: VideoProvider,
  row: ShotRow,
  clip: Clip,
  review: ClipReview,
  by: { crew: Crew; storyboard: Storyboard },
): Promise<ClipReview> {
  const keyframe = keyframePath(ctx.dir, row.id);
  if (
    review.action !== 'accept' ||
    ctx.options.keyframes === false ||
    !provider.capabilities.imageToVideo ||
    provider.capabilities.userClips ||
    !existsSync(keyframe)
  )
    return review;
  const check = await continuityOf(keyframe, clip.path).catch((err) => {
    ctx.logger.warn({ err: userMessage(err) }, 'continuity could not be measured');
    return undefined;
  });
  const shot = { ...(row.shot as Shot), prompt: row.prompt };
  const eye = by.crew.judgeContinuity
    ? await by.crew
        .judgeContinuity(
          {
            shot,
            storyboard: by.storyboard,
            clipPath: clip.path,
            keyframePath: keyframe,
            referenceImagePaths: shotCharacterReferences(
              {
                dir: ctx.dir,
                storyboard: by.storyboard,
                userRefs: await this.stillRefs(ctx.project.id, ctx.options),
              },
              shot,
            ),
            ...(check ? { measured: { distance: check.distance, threshold: check.threshold } } : {}),
          },
          { ...ctx.plugin, logger: ctx.logger.child({ shotId: row.id }) },
        )
        .catch((err) => {
          ctx.logger.warn({ err: userMessage(err) }, 'the vision editor could not judge continuity');
          return undefined;
        })
    : undefined;
  if (!check && !eye) return review;
  const drifted = eye ? !eye.holds : check!.drifted;
  const measured = check
    ? `its first frames are ${check.distance} from its keyframe (threshold ${check.threshold}, colour histogram and 32x18 thumbnail)`
    : 'not measured';
  await ctx.decisions.record({
    role: 'editor',
    shotId: row.id,
    summary: eye
      ? `continuity of ${row.id} (attempt ${row.attempt}) judged by eye (${eye.by}): ${drifted ? `drifted (${eye.reasons.join('; ')}), to be made again from the keyframe` : 'holds'}; measured: ${measured}`
      : `continuity of ${row.id} (attempt ${row.attempt}): ${measured}: ${drifted ? 'drifted, to be made again from the keyframe' : 'holds'}`,
    output: { ...(check ?? {}), drifted, ...(eye ? { eye } : {}) },
  });
  if (!drifted) return review;
  return {
    ...review,
    action: 'regenerate',
    reasons: [
      eye
        ? `drifted from its keyframe, judged by eye: ${eye.reasons.join('; ')}`
        : `drifted from its keyframe (distance ${check!.distance} > ${check!.threshold})`,
    ],
    prompt: row.prompt.includes(CONTINUITY_CUE) ? row.prompt : `${row.prompt} ${CONTINUITY_CUE}`,
  };
}
