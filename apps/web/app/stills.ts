import { type ProjectDetail, post } from './api.js';
import { h, usd } from './dom.js';

/** Prompts being edited, by project/shot, kept when the panel is drawn again (another still arrived). */
const drafts = new Map<string, { open: boolean; text: string }>();

const shots = (n: number) => (n === 1 ? '1 shot' : `${n} shots`);

/** "$4.20 for the first cut, up to $6.30 with retakes and revisions" for the video still to come. */
function videoLine(sb: NonNullable<ProjectDetail['storyboard']>): string {
  return sb.videoMaxUsd > sb.videoUsd + 1e-9
    ? `${usd(sb.videoUsd)} for the first cut, up to ${usd(sb.videoMaxUsd)} with retakes and revisions`
    : `${usd(sb.videoUsd)}`;
}

/**
 * "Needs you" for the storyboard: before the stills, a button to make them (the video is approved on them);
 * with the stills, the grid with a re-roll button per still and one Approve for the stills and the video.
 */
export function stillsBox(
  p: ProjectDetail,
  approveUpTo: number,
  act: (fn: () => Promise<unknown>) => Promise<unknown>,
): HTMLElement | null {
  const sb = p.storyboard;
  if (!p.awaitingApproval || !sb?.phase) return null;
  const base = `/api/projects/${encodeURIComponent(p.id)}`;
  const box = (...children: Array<HTMLElement | string | null>) =>
    h(
      'section',
      { class: 'card attention', id: 'stills', role: 'region', 'aria-labelledby': 'h-stills' },
      h('h2', { id: 'h-stills' }, 'Needs you: the storyboard'),
      ...children,
    );
  if (sb.phase === 'stills') {
    const need = Math.ceil((p.costs.spentUsd + sb.stillsUsd) * 100 - 1e-6) / 100;
    return box(
      h(
        'p',
        {},
        `First the storyboard: a still for ${sb.stills.length === 1 ? 'the one shot' : `each of the ${shots(sb.stills.length)}`} (and the characters' reference stills), ${usd(sb.stillsUsd)} on ${sb.imageProvider}. You approve the video, ${videoLine(sb)}, when you have seen them.`,
      ),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'primary',
            id: 'make-stills',
            onclick: () => void act(() => post(`${base}/approve`, { maxUsd: need })),
          },
          `Make the stills (${usd(sb.stillsUsd)})`,
        ),
      ),
    );
  }
  const grid = h(
    'ol',
    { class: 'stills-grid', 'aria-label': 'Keyframes, in shot order' },
    ...sb.stills.map((s) => {
      const n = s.index + 1;
      const reroll = h(
        'button',
        {
          type: 'button',
          class: 'reroll',
          'aria-label': `Re-roll the still of shot ${n} (${usd(sb.rerollUsd)})`,
          onclick: () =>
            void act(async () => {
              reroll.disabled = true;
              reroll.textContent = 'Re-rolling…';
              await post(`${base}/shots/${encodeURIComponent(s.shotId)}/reroll`, {});
            }),
        },
        `Re-roll (${usd(sb.rerollUsd)})`,
      );
      // New words remake the still (the same price as a re-roll) and become the shot's prompt for its video.
      const draftKey = `${p.id}/${s.shotId}`;
      const draft = drafts.get(draftKey);
      const words = h(
        'textarea',
        {
          id: `still-words-${n}`,
          rows: 4,
          maxlength: 4000,
          oninput: () => drafts.set(draftKey, { open: true, text: words.value }),
        },
        draft?.text ?? s.prompt,
      );
      const remake = h(
        'button',
        {
          type: 'button',
          class: 'remake',
          onclick: () =>
            void act(async () => {
              const prompt = words.value.trim();
              if (!prompt) throw new Error('The prompt is empty: write what the shot shows.');
              remake.disabled = true;
              remake.textContent = 'Remaking…';
              await post(`${base}/shots/${encodeURIComponent(s.shotId)}/reroll`, { prompt });
              drafts.delete(draftKey);
            }),
        },
        `Remake with these words (${usd(sb.rerollUsd)})`,
      );
      const edit = h(
        'details',
        {
          class: 'still-edit',
          open: draft?.open ?? false,
          ontoggle: () => drafts.set(draftKey, { open: edit.open, text: words.value }),
        },
        h('summary', {}, 'Edit the prompt'),
        h('label', { for: `still-words-${n}` }, `Prompt of shot ${n}`),
        words,
        remake,
      );
      return h(
        'li',
        { class: 'still', 'data-shot': s.shotId },
        s.stillUrl
          ? h('img', { src: s.stillUrl, alt: `Shot ${n}: ${s.prompt}`, width: 320, height: 180 })
          : h('div', { class: 'still-missing' }, 'no still'),
        h('span', { class: 'still-label' }, `Shot ${n}`),
        reroll,
        edit,
      );
    }),
  );
  return box(
    h(
      'p',
      {},
      `A keyframe for ${sb.stills.length === 1 ? 'the one shot' : `each of the ${shots(sb.stills.length)}`} (${usd(sb.stillsSpentUsd)} spent on stills). The video still to come: ${videoLine(sb)}. Re-roll any still you do not like or edit its prompt, then approve the storyboard and its video at once.`,
    ),
    grid,
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          class: 'primary',
          id: 'approve-storyboard',
          onclick: () => void act(() => post(`${base}/approve`, { maxUsd: approveUpTo })),
        },
        `Approve the storyboard and spend up to ${usd(approveUpTo)}`,
      ),
      sb.sheetUrl ? h('a', { href: sb.sheetUrl, target: '_blank', rel: 'noopener' }, 'Contact sheet') : null,
    ),
  );
}
