/** Shots whose requests are identical pay once: the leader's clip serves the others (a repeated chorus prompt). */
import { existsSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clip, ClipRequest } from '@beatframe/core';
import { shots } from '@beatframe/db';
import { probeMedia } from '@beatframe/media';
import { and, eq, inArray, lt } from 'drizzle-orm';
import type { Engine } from './engine.js';
import { requestDigest } from './ledger.js';
import type { ShotRow } from './store.js';

/** How often a shot waiting for another shot's identical request looks again. */
const TWIN_WAIT_SEC = 2;

/**
 * The shot whose clip answers the same request as this one: one already paid for, else the first shot (by
 * index) still to send it, so that shots in flight at once never both pay (an election, not a lock).
 */
export async function identicalRequestLeader(
  this: Engine,
  projectId: string,
  row: ShotRow,
  digest: string,
  twin: { shotId: string; attempt: number; state: string } | undefined,
  requestOf: (other: ShotRow) => ClipRequest,
): Promise<{ shotId: string; attempt: number; state: string } | undefined> {
  if (twin) return twin.shotId === row.id ? undefined : twin;
  const earlier = await this.db
    .select()
    .from(shots)
    .where(
      and(
        eq(shots.projectId, projectId),
        lt(shots.index, row.index),
        inArray(shots.status, ['pending', 'queued', 'submitting', 'generating', 'downloading', 'paused']),
      ),
    )
    .orderBy(shots.index);
  const first = earlier.find((other) => requestDigest(requestOf(other)) === digest);
  return first ? { shotId: first.id, attempt: first.attempt, state: 'pending' } : undefined;
}

/**
 * Another shot sent the identical request (a repeated chorus prompt on a seedless model): its clip serves this
 * shot too, so the request is paid once. While the twin is in flight this shot waits for it; a twin that fails
 * stops being a twin (paidTwin skips failed jobs) and this shot then pays for its own. False: no clip to share.
 */
export async function shareTwinClip(
  this: Engine,
  projectId: string,
  row: ShotRow,
  twin: { shotId: string; attempt: number; state: string },
  providerName: string,
): Promise<boolean> {
  if (twin.state !== 'done') {
    this.logger.info(
      { projectId, shotId: row.id, twin: twin.shotId },
      'waiting for the identical request of another shot',
    );
    await this.enqueueShot(projectId, row, providerName, TWIN_WAIT_SEC);
    return true;
  }
  const [source] = await this.db
    .select()
    .from(shots)
    .where(and(eq(shots.projectId, projectId), eq(shots.id, twin.shotId)));
  const from = source?.clip as Clip | null | undefined;
  const fromPath =
    source?.attempt === twin.attempt && from?.path
      ? from.path
      : join(this.projectDir(projectId), 'clips', `${twin.shotId}-a${twin.attempt}.mp4`);
  if (!existsSync(fromPath)) return false;
  const dest = join(this.projectDir(projectId), 'clips', `${row.id}-a${row.attempt}.mp4`);
  await copyFile(fromPath, dest);
  const info = await probeMedia(dest);
  const clip: Clip = {
    path: dest,
    durationSec: info.durationSec,
    width: info.video?.width ?? from?.width ?? 1,
    height: info.video?.height ?? from?.height ?? 1,
    fps: info.video?.fps || from?.fps || 30,
    hasAudio: Boolean(info.audio),
    provider: providerName,
    ...(from?.model ? { model: from.model } : {}),
    costUsd: 0,
    shotId: row.id,
  };
  await this.addAsset(projectId, 'clip', dest, row.id);
  await this.setShot(projectId, row.id, { status: 'generated', clip, progress: 1, error: null });
  await this.decisionSink(projectId, 'generate').record({
    role: 'budget',
    shotId: row.id,
    summary: `${row.id} uses ${twin.shotId}'s clip: its request is identical to one already paid for (attempt ${twin.attempt})`,
  });
  await this.maybeFinishGenerate(projectId);
  return true;
}
