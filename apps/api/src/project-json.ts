/** The JSON the API answers with for a project: server paths replaced by the URLs that serve those files. */
import { statSync } from 'node:fs';
import type { Beatframe, ProjectDetail } from '@beatframe/pipeline';
import { deepWithoutPaths, maybeWithoutPaths, projectWithoutPaths, withoutPaths } from './public-text.js';

/** A file's modification time, for URLs that must change when the file does (a re-rolled still). */
export const stillVersion = (path: string) =>
  Math.round(statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0);
const urls = (id: string) => ({
  video: `/api/projects/${id}/video`,
  thumbnail: `/api/projects/${id}/thumbnail`,
});
export const projectJson = (p: Awaited<ReturnType<Beatframe['getProject']>>['project']) => {
  const u = urls(p.id);
  // Server paths stay on the server; files are reached through their URLs.
  const { outputPath: _out, options, ...rest } = p;
  const { outPath: _outPath, ...publicOptions } = options;
  return {
    ...projectWithoutPaths(rest),
    options: publicOptions,
    ...(p.status === 'done' ? { videoUrl: u.video, thumbnailUrl: u.thumbnail } : {}),
  };
};
// The screenshot is reached by its URL; its server path stays on the server.
const attentionJson = (id: string, a: NonNullable<ProjectDetail['attention']>) => ({
  reason: maybeWithoutPaths(a.reason),
  ...(a.screenshot ? { screenshotUrl: `/api/projects/${id}/attention/screenshot` } : {}),
  ...(a.shotId ? { shotId: a.shotId } : {}),
});
export function detailJson(d: ProjectDetail) {
  const id = d.project.id;
  const u = urls(id);
  const ev = d.evaluation;
  return {
    ...projectJson(d.project),
    ...(d.videoPath ? { videoUrl: u.video, downloadUrl: `${u.video}?download=1` } : {}),
    currentStage: d.currentStage,
    awaitingApproval: d.awaitingApproval,
    ...(d.reason ? { reason: maybeWithoutPaths(d.reason) } : {}),
    ...(d.attention ? { attention: attentionJson(id, d.attention) } : {}),
    costs: d.costs,
    notices: d.notices.map(maybeWithoutPaths),
    ...(d.song
      ? {
          song: {
            title: d.song.title,
            ...(d.song.artist ? { artist: d.song.artist } : {}),
            durationSec: d.song.durationSec,
            styleTags: d.song.styleTags,
          },
        }
      : {}),
    shots: d.shots.map((s) => ({
      id: s.id,
      index: s.index,
      sceneId: s.sceneId,
      start: s.start,
      end: s.end,
      description: s.description,
      prompt: s.prompt,
      status: s.status,
      attempt: s.attempt,
      progress: s.progress,
      costUsd: s.costUsd,
      ...(s.error ? { error: maybeWithoutPaths(s.error) } : {}),
      ...(s.thumbnailPath ? { thumbnailUrl: `/api/projects/${id}/shots/${s.id}/thumbnail` } : {}),
      ...(s.clipPath ? { clipUrl: `/api/projects/${id}/shots/${s.id}/clip` } : {}),
    })),
    ...(d.storyboard
      ? {
          storyboard: {
            ...(d.storyboard.phase ? { phase: d.storyboard.phase } : {}),
            stills: d.storyboard.stills.map((x) => ({
              shotId: x.shotId,
              index: x.index,
              prompt: x.prompt,
              // The file's time in the URL: a re-rolled still is a new address, never a cached old picture.
              ...(x.path
                ? { stillUrl: `/api/projects/${id}/shots/${x.shotId}/still?v=${stillVersion(x.path)}` }
                : {}),
            })),
            stillsUsd: d.storyboard.stillsUsd,
            stillsSpentUsd: d.storyboard.stillsSpentUsd,
            rerollUsd: d.storyboard.rerollUsd,
            videoUsd: d.storyboard.videoUsd,
            videoMaxUsd: d.storyboard.videoMaxUsd,
            imageProvider: d.storyboard.imageProvider,
            ...(d.storyboard.stills.some((x) => x.path)
              ? { sheetUrl: `/api/projects/${id}/storyboard/sheet` }
              : {}),
          },
        }
      : {}),
    ...(ev
      ? {
          evaluation: {
            score: ev.score,
            passed: ev.passed,
            summary: withoutPaths(ev.summary),
            ...(ev.components ? { components: ev.components } : {}),
            metrics: Object.fromEntries(
              Object.entries(ev.metrics).filter((e): e is [string, number] => typeof e[1] === 'number'),
            ),
            issues: deepWithoutPaths(ev.issues),
            ...(ev.round !== undefined ? { round: ev.round } : {}),
            ...(ev.plotPath ? { plotUrl: `/api/projects/${id}/evaluation/plot` } : {}),
          },
        }
      : {}),
  };
}
