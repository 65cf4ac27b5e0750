/** A project's cost estimate: its shots at the provider's prices, plus the stills when keyframes are on. */
import type { AudioAnalysis, ProjectOptions, Shot, Song, Storyboard, VideoProvider } from '@beatframe/core';
import type { CostEstimate } from './beatframe.js';
import { estimateRange } from './ceiling.js';
import { takesSeed } from './clip-request.js';
import { withCoverArt } from './cover-reference.js';
import type { Engine } from './engine.js';
import { stillsPrice } from './keyframes.js';
import { requestDigest } from './ledger.js';
import type { ShotRow } from './store.js';

export function estimateShots(
  this: Engine,
  provider: VideoProvider,
  options: ProjectOptions,
  rows: Shot[],
  analysis?: AudioAnalysis,
): CostEstimate {
  const prices: number[] = [];
  let seconds = 0;
  // On a seedless model, shots that send the identical request share one paid clip (shareTwinClip).
  const priced = new Set<string>();
  for (const s of rows) {
    const req = this.clipRequest(
      provider,
      options,
      { id: s.id, shot: s, prompt: s.prompt ?? s.description } as ShotRow,
      analysis,
    );
    const digest = requestDigest(req);
    const shared = !takesSeed(provider) && priced.has(digest);
    priced.add(digest);
    prices.push(shared ? 0 : provider.capabilities.usdFor(req));
    seconds += shared ? 0 : req.seconds;
  }
  const range = estimateRange(prices, options);
  return {
    provider: provider.name,
    ...(options.model ? { model: options.model } : {}),
    shots: rows.length,
    seconds,
    usd: range.firstCutUsd,
    upToUsd: range.upToUsd,
    exact: true,
  };
}

/** A shot list's estimate plus its reference stills and keyframes, bought first when keyframes will be made. */
export async function estimateWithStills(
  this: Engine,
  provider: VideoProvider,
  options: ProjectOptions,
  rows: Shot[],
  storyboard: Storyboard | undefined,
  analysis?: AudioAnalysis,
  song?: Song,
): Promise<CostEstimate> {
  const estimate = this.estimateShots(provider, options, rows, analysis);
  const images = await this.keyframeImages(options, provider);
  if (!images || !rows[0] || !storyboard) return estimate;
  const size = this.clipRequest(provider, options, { id: 'x', shot: rows[0], prompt: 'x' } as ShotRow).size;
  const stillsUsd = stillsPrice(
    { dir: '', storyboard, size, image: images, userRefs: withCoverArt(options.refs, song).refs },
    rows.map((r) => ({ id: r.id, prompt: r.prompt ?? r.description, description: r.description })),
  );
  return {
    ...estimate,
    stillsUsd: Number(stillsUsd.toFixed(4)),
    usd: Number((estimate.usd + stillsUsd).toFixed(4)),
    upToUsd: Number(((estimate.upToUsd ?? estimate.usd) + stillsUsd).toFixed(4)),
  };
}
