import { InputError } from '@beatframe/core';
import { type Beatframe, estimateLine, type ProjectDetail } from '@beatframe/pipeline';
import { usd } from './pipeline-session.js';

const shots = (n: number) => (n === 1 ? '1 shot' : `${n} shots`);

/**
 * The storyboard screen of the CLI: the contact sheet's path (written now), the stills' cost and the video's
 * still to come, and how to re-roll, edit or approve. One approval for both, where the stills could be bought.
 */
export async function storyboardLines(bf: Beatframe, d: ProjectDetail): Promise<string[]> {
  const sb = d.storyboard;
  if (!sb) return [];
  const id = d.project.id;
  const video = estimateLine({ firstCutUsd: sb.videoUsd, upToUsd: sb.videoMaxUsd });
  if (sb.phase === 'stills')
    return [
      `storyboard first: a still for ${sb.stills.length === 1 ? 'the one shot' : `each of the ${shots(sb.stills.length)}`} for ${usd(sb.stillsUsd)} on ${sb.imageProvider}, shown before any video is paid for`,
      `the video after them: ${video} (approved on the stills)`,
    ];
  const sheet = await bf.contactSheet(id);
  return [
    `storyboard: ${sheet}`,
    `a keyframe for ${sb.stills.length === 1 ? 'the one shot' : `each of the ${shots(sb.stills.length)}`} (${usd(sb.stillsSpentUsd)} spent on stills); the video still to come: ${video}`,
    `re-roll a still (${usd(sb.rerollUsd)}): \`beatframe stills ${id} --reroll N\`; new words for a shot: \`beatframe stills ${id} --edit N --prompt "..."\``,
    `approve the storyboard and its video: \`beatframe resume ${id} --yes\``,
  ];
}

/** "3" (the number on the contact sheet) or a shot id, to the shot's id. */
export function shotOf(d: ProjectDetail, which: string): string {
  const byId = d.shots.find((s) => s.id === which);
  if (byId) return byId.id;
  const n = Number(which);
  const byNumber = Number.isInteger(n) ? d.shots.find((s) => s.index + 1 === n) : undefined;
  if (!byNumber)
    throw new InputError(
      `no shot ${which} in project ${d.project.id}: give its number on the contact sheet (1 to ${d.shots.length})`,
    );
  return byNumber.id;
}
