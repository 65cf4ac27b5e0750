import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Character,
  type ImageProvider,
  type ImageRequest,
  type PluginContext,
  type ProviderJobRef,
  ProviderJobRef as ProviderJobRefSchema,
  type Still,
  type Storyboard,
  writeFileAtomic,
} from '@beatframe/core';
import { charactersIn, sheetText } from '@beatframe/crew';
import { stillSize } from '@beatframe/media';
import { withProviderRetries } from '@beatframe/registry';

/**
 * Look development and keyframes, before any video is paid for: a reference still of each character (from its
 * sheet), then one still per shot made with the references of the characters it shows (and the user's own
 * `--ref` images), which image-to-video models then start from. Every still is a file written atomically: one
 * that exists is never made (or paid for) again; a queued vendor's job is stored beside it before polling.
 */

export interface UserReference {
  path: string;
  /** What it is for: "character" (the artist), "style", "location"; free words. */
  role?: string | undefined;
}

export interface KeyframePlan {
  /** Reference stills by character name. */
  characters: Record<string, string>;
  /** Keyframe by shot id. */
  keyframes: Record<string, string>;
  usd: number;
}

export interface KeyframeInput {
  dir: string;
  storyboard: Storyboard;
  shots: Array<{ id: string; prompt: string; description: string }>;
  /** The frame the clips are made at. */
  size: string;
  image: ImageProvider;
  userRefs?: UserReference[];
  ctx: PluginContext;
  /** Reserves the still's price against the budget before it is bought; a refusal pauses the project. */
  reserve(usd: number, purpose: string): Promise<{ ok: true } | { ok: false; reason: string }>;
  onProgress?(fraction: number): void;
}

export function keyframePath(dir: string, shotId: string): string {
  return join(dir, 'keyframes', `${shotId}.png`);
}

function referencePath(dir: string, i: number): string {
  return join(dir, 'lookdev', `character-${i + 1}.png`);
}

/** The prompt of a character's reference still: the sheet verbatim, a plain full figure in the film's look. */
export function referencePrompt(c: Character, storyboard: Storyboard): string {
  const bible = storyboard.styleBible;
  return `Character reference still, full figure standing, facing the camera, plain neutral background, even soft light. ${sheetText(c)} Film look: ${bible.look}; palette ${bible.palette.join(', ')}${bible.grade ? `; grade ${bible.grade}` : ''}.`;
}

/** What the stills will cost, for the estimate: one per character with a sheet, one per shot. */
export function stillsCount(storyboard: Storyboard, shots: number): number {
  return storyboard.styleBible.characters.filter((c) => c.sheet).length + shots;
}

export class StillsPaused extends Error {}

async function makeStill(
  input: KeyframeInput,
  req: ImageRequest,
  dest: string,
  role: string,
): Promise<{ still?: Still; usd: number }> {
  const { image, ctx } = input;
  if (existsSync(dest) && (await stillSize(dest))) return { usd: 0 }; // made before a restart: never bought twice
  const jobFile = `${dest}.job.json`;
  const retry = { ...(ctx.signal ? { signal: ctx.signal } : {}) };
  /** The job an earlier attempt (or process) stored once a queued vendor accepted it, if any. */
  const storedJob = async (): Promise<ProviderJobRef | undefined> =>
    existsSync(jobFile) && image.resume
      ? (ProviderJobRefSchema.parse(JSON.parse(await readFile(jobFile, 'utf8'))) as ProviderJobRef)
      : undefined;
  const first = await storedJob();
  if (first) ctx.logger.info({ jobId: first.jobId, dest }, 'resuming a stored image job (not resubmitting)');
  else {
    const usd = image.capabilities.usdFor(req);
    if (usd > 0) {
      const r = await input.reserve(usd, req.purpose ?? role);
      if (!r.ok) throw new StillsPaused(r.reason);
    }
  }
  // Each attempt looks for a stored job first: a retry after the vendor queued the still finishes that one
  // (a failed poll or an expired link) instead of paying for a second.
  const still: Still = await withProviderRetries(
    first ? 'finishing the still' : 'making the still',
    async () => {
      const ref = await storedJob();
      if (ref) return image.resume!(ref, dest, ctx);
      return image.generate(req, dest, {
        ...ctx,
        onJob: (job) => writeFileAtomic(jobFile, JSON.stringify(job)),
      });
    },
    retry,
  );
  await rm(jobFile, { force: true });
  await ctx.decisions?.record({
    role,
    ...(req.shotId ? { shotId: req.shotId } : {}),
    summary:
      `${role === 'lookdev' ? 'reference still' : 'keyframe'} ${req.purpose}: ${image.name} ${still.model ?? ''} ${still.width}x${still.height}${req.referenceImagePaths?.length ? ` with ${req.referenceImagePaths.length} reference image(s)` : ''}`.replace(
        /\s+/g,
        ' ',
      ),
    output: { path: dest, references: req.referenceImagePaths ?? [], prompt: req.prompt },
    ...(still.model ? { model: still.model } : {}),
    costUsd: still.costUsd,
  });
  return { still, usd: still.costUsd };
}

export async function makeKeyframes(input: KeyframeInput): Promise<KeyframePlan> {
  const { storyboard, dir, image } = input;
  const bible = storyboard.styleBible;
  const people = bible.characters.filter((c) => c.sheet);
  const total = people.length + input.shots.length;
  let done = 0;
  let usd = 0;
  const step = () => input.onProgress?.(++done / Math.max(1, total));
  const userRefs = (input.userRefs ?? []).map((r) => r.path);
  const characters: Record<string, string> = {};
  for (const [i, c] of people.entries()) {
    const dest = referencePath(dir, i);
    // The user's own picture of the artist stands in for the generated one of the first character.
    const style = (input.userRefs ?? []).filter((r) => r.role !== 'character').map((r) => r.path);
    const artist = (input.userRefs ?? []).find((r) => r.role === 'character');
    if (i === 0 && artist) {
      characters[c.name] = artist.path;
      step();
      continue;
    }
    const r = await makeStill(
      input,
      {
        purpose: `character ${c.name}`,
        prompt: referencePrompt(c, storyboard),
        size: input.size,
        referenceImagePaths: style.slice(0, image.capabilities.maxReferenceImages),
      },
      dest,
      'lookdev',
    );
    usd += r.usd;
    characters[c.name] = dest;
    step();
  }
  const keyframes: Record<string, string> = {};
  for (const shot of input.shots) {
    const shown = charactersIn(`${shot.description} ${shot.prompt}`, bible)
      .map((c) => characters[c.name])
      .filter((p): p is string => !!p);
    const refs = [...new Set([...shown, ...userRefs])].slice(0, image.capabilities.maxReferenceImages);
    const dest = keyframePath(dir, shot.id);
    const r = await makeStill(
      input,
      {
        purpose: `keyframe ${shot.id}`,
        shotId: shot.id,
        prompt: `First frame of the shot: ${shot.prompt}`.slice(0, image.capabilities.maxPromptChars),
        size: input.size,
        ...(refs.length ? { referenceImagePaths: refs } : {}),
      },
      dest,
      'keyframe',
    );
    usd += r.usd;
    keyframes[shot.id] = dest;
    step();
  }
  return { characters, keyframes, usd };
}
