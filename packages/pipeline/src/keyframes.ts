import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Character,
  type ImageProvider,
  type ImageRequest,
  type PluginContext,
  type ProviderJobRef,
  ProviderJobRef as ProviderJobRefSchema,
  produceAtomic,
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

/**
 * What the stills will cost, priced request by request as they will be sent (a reference image adds to an image
 * model's price): each character's reference still (but the one the user's picture stands in for), each keyframe.
 */
export function stillsPrice(
  input: Pick<KeyframeInput, 'dir' | 'storyboard' | 'userRefs' | 'size' | 'image'>,
  shots: KeyframeInput['shots'],
  { references = true }: { references?: boolean } = {},
): number {
  const { image } = input;
  const characters = characterPaths(input);
  const style = (input.userRefs ?? []).filter((r) => r.role !== 'character').map((r) => r.path);
  const people = input.storyboard.styleBible.characters.filter((c) => c.sheet);
  let usd = 0;
  for (const [i, c] of people.entries())
    if (references && characters[c.name] === referencePath(input.dir, i))
      usd += image.capabilities.usdFor({
        size: input.size,
        referenceImagePaths: style.slice(0, image.capabilities.maxReferenceImages),
      });
  for (const shot of shots) usd += image.capabilities.usdFor(keyframeRequest(input, characters, shot));
  return usd;
}

export class StillsPaused extends Error {}

async function makeStill(
  input: Pick<KeyframeInput, 'image' | 'ctx' | 'reserve'>,
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

/** The reference stills of the characters (generated, or the user's picture of the artist), by name. */
function characterPaths(
  input: Pick<KeyframeInput, 'dir' | 'storyboard' | 'userRefs'>,
): Record<string, string> {
  const people = input.storyboard.styleBible.characters.filter((c) => c.sheet);
  const artist = (input.userRefs ?? []).find((r) => r.role === 'character');
  return Object.fromEntries(
    people.map((c, i) => [c.name, i === 0 && artist ? artist.path : referencePath(input.dir, i)]),
  );
}

/** The reference stills of the characters a shot shows (the artist's picture for the first), those made. */
export function shotCharacterReferences(
  input: Pick<KeyframeInput, 'dir' | 'storyboard' | 'userRefs'>,
  shot: { description: string; prompt: string },
): string[] {
  const characters = characterPaths(input);
  return charactersIn(`${shot.description} ${shot.prompt}`, input.storyboard.styleBible)
    .map((c) => characters[c.name])
    .filter((p): p is string => !!p && existsSync(p));
}

/** A shot's keyframe request: the references of the characters it shows and the user's own. */
function keyframeRequest(
  input: Pick<KeyframeInput, 'storyboard' | 'userRefs' | 'size' | 'image'>,
  characters: Record<string, string>,
  shot: KeyframeInput['shots'][number],
): ImageRequest {
  const { image } = input;
  const shown = charactersIn(`${shot.description} ${shot.prompt}`, input.storyboard.styleBible)
    .map((c) => characters[c.name])
    .filter((p): p is string => !!p);
  // The artist's picture stands in for the first character, so it goes with the shots that show them; with no
  // character to stand in for, it goes with every shot like the other references.
  const stands = Object.values(characters).length > 0;
  const userRefs = (input.userRefs ?? [])
    .filter((r) => !(stands && r.role === 'character'))
    .map((r) => r.path);
  const refs = [...new Set([...shown, ...userRefs])].slice(0, image.capabilities.maxReferenceImages);
  return {
    purpose: `keyframe ${shot.id}`,
    shotId: shot.id,
    prompt: `First frame of the shot: ${shot.prompt}`.slice(0, image.capabilities.maxPromptChars),
    size: input.size,
    ...(refs.length ? { referenceImagePaths: refs } : {}),
  };
}

export async function makeKeyframes(input: KeyframeInput): Promise<KeyframePlan> {
  const { storyboard, dir, image } = input;
  const bible = storyboard.styleBible;
  const people = bible.characters.filter((c) => c.sheet);
  const total = people.length + input.shots.length;
  let done = 0;
  let usd = 0;
  const step = () => input.onProgress?.(++done / Math.max(1, total));
  const characters = characterPaths(input);
  for (const [i, c] of people.entries()) {
    const dest = referencePath(dir, i);
    if (characters[c.name] !== dest) {
      step(); // the user's own picture of the artist stands in for the generated one
      continue;
    }
    const style = (input.userRefs ?? []).filter((r) => r.role !== 'character').map((r) => r.path);
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
    step();
  }
  const keyframes: Record<string, string> = {};
  for (const shot of input.shots) {
    const dest = keyframePath(dir, shot.id);
    const r = await makeStill(input, keyframeRequest(input, characters, shot), dest, 'keyframe');
    usd += r.usd;
    keyframes[shot.id] = dest;
    step();
  }
  return { characters, keyframes, usd };
}

/** Every keyframe of the shots exists (made before, or by a worker before a restart). */
export async function keyframesMade(dir: string, shotIds: string[]): Promise<boolean> {
  for (const id of shotIds) if (!(await stillSize(keyframePath(dir, id)))) return false;
  return true;
}

/**
 * A still re-rolled (a new seed, and a new prompt when the shot's was edited): take n is made beside the
 * keyframe (`shot-3.take-2.png`, paid once like any still: a take whose job was stored is finished, not
 * bought again) and then becomes the shot's keyframe.
 */
export async function rerollKeyframe(
  input: Omit<KeyframeInput, 'shots' | 'onProgress'>,
  shot: KeyframeInput['shots'][number],
): Promise<{ take: number; seed: number; still?: Still; usd: number; path: string }> {
  const kdir = join(input.dir, 'keyframes');
  await mkdir(kdir, { recursive: true });
  const takes = (await readdir(kdir)).flatMap((f) => {
    const m = new RegExp(`^${shot.id.replace(/[^\w-]/g, '')}\\.take-(\\d+)\\.png(\\.job\\.json)?$`).exec(f);
    return m ? [{ n: Number(m[1]), job: !!m[2] }] : [];
  });
  const last = Math.max(1, ...takes.map((t) => t.n));
  // A take whose job was stored but whose still never arrived (a crash) is finished, not bought again.
  const unfinished = takes.some((t) => t.n === last && t.job);
  const take = unfinished ? last : last + 1;
  const dest = join(kdir, `${shot.id}.take-${take}.png`);
  const seed = take * 7919 + 13;
  const req = { ...keyframeRequest(input, characterPaths(input), shot), seed };
  const r = await makeStill(input, { ...req, purpose: `${req.purpose} take ${take}` }, dest, 'keyframe');
  await produceAtomic(keyframePath(input.dir, shot.id), (tmp) => copyFile(dest, tmp));
  return { take, seed, usd: r.usd, path: dest, ...(r.still ? { still: r.still } : {}) };
}
