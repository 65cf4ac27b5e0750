import { get, type ProjectDetail, post, type Version } from './api.js';
import { ago, fill, guarded, h } from './dom.js';

/**
 * The player and the versions of the cut. Every delivered cut is kept (v1, v2…) under a URL that never
 * changes, so the last one stays playable and downloadable while a new one renders.
 */
export function createPlayer(base: string, onChange: () => void) {
  const video = h('video', {
    id: 'video',
    controls: true,
    preload: 'metadata',
    playsinline: true,
    'aria-label': 'The music video',
  });
  const notice = h('p', { class: 'notice', id: 'player-notice', 'aria-live': 'polite' });
  const actions = h('div', { class: 'actions' });
  const versionsBox = h('div', { class: 'versions', id: 'versions' });
  const message = h('p', { class: 'error small', role: 'alert' });
  const placeholder = h('p', { class: 'muted' }, 'The video appears here when it is rendered.');
  const root = h(
    'section',
    { class: 'card player', id: 'player', 'aria-labelledby': 'h-video' },
    h('h2', { id: 'h-video' }, 'Video'),
    placeholder,
    video,
    notice,
    actions,
    versionsBox,
    message,
  );
  video.classList.add('hidden');
  let shown: string | undefined;
  let picked: number | undefined;
  let versions: Version[] = [];
  let lastKey = '';

  const show = (src: string, poster?: string) => {
    if (src === shown) return;
    shown = src;
    video.src = src;
    if (poster) video.poster = poster;
    video.classList.remove('hidden');
    placeholder.classList.add('hidden');
  };

  const update = async (p: ProjectDetail) => {
    const working = p.status === 'queued' || p.status === 'running';
    const key = `${p.updatedAt}|${p.status}`;
    if (key !== lastKey) {
      lastKey = key;
      versions = (await get<{ versions: Version[] }>(`${base}/versions`).catch(() => ({ versions: [] })))
        .versions;
    }
    const current = versions.find((v) => v.current) ?? versions.at(-1);
    const watching = versions.find((v) => v.n === picked) ?? current;
    let download: string | undefined;
    if (watching) {
      show(watching.videoUrl, watching.thumbnailUrl);
      download = watching.downloadUrl;
    } else if (p.videoUrl) {
      show(`${p.videoUrl}?v=${encodeURIComponent(p.updatedAt)}`, p.thumbnailUrl);
      download = p.downloadUrl ?? p.videoUrl;
    } else
      placeholder.textContent =
        p.status === 'failed'
          ? 'No video: the project stopped before one was made.'
          : 'The video appears here when it is rendered.';
    notice.textContent =
      watching && working
        ? `A new cut is being made; v${watching.n} stays playable meanwhile.`
        : watching && watching !== current
          ? `You are watching v${watching.n}; the project’s video is v${current?.n}.`
          : '';
    fill(
      actions,
      download
        ? h(
            'a',
            {
              class: 'button primary',
              href: download,
              download: `${p.name}${watching ? `-v${watching.n}` : ''}.mp4`,
              id: 'download',
            },
            `Download${watching ? ` v${watching.n}` : ''} (MP4)`,
          )
        : null,
    );
    fill(
      versionsBox,
      versions.length > 1 || (versions.length && working)
        ? h(
            'details',
            { open: versions.length > 1 },
            h('summary', {}, `Versions (${versions.length})`),
            h(
              'ul',
              { class: 'version-list' },
              ...[...versions].reverse().map((v) =>
                h(
                  'li',
                  { 'data-version': v.n },
                  h('strong', {}, `v${v.n}`),
                  ` ${ago(v.at)}${v.score !== undefined ? ` · fit ${Math.round(v.score * 100)}/100` : ''}${v.current ? ' · current' : ''} `,
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'small-button',
                      'aria-pressed': String(v === watching),
                      onclick: () => {
                        picked = v.n;
                        void update(p);
                      },
                    },
                    `Watch v${v.n}`,
                  ),
                  v.current
                    ? null
                    : h(
                        'button',
                        {
                          type: 'button',
                          class: 'small-button',
                          disabled: working,
                          title: working ? 'Wait until the new cut is done' : undefined,
                          onclick: () =>
                            void guarded(message, async () => {
                              await post(`${base}/versions/${v.n}/restore`, {});
                              picked = undefined;
                              lastKey = '';
                              onChange();
                            }),
                        },
                        `Restore v${v.n}`,
                      ),
                ),
              ),
            ),
          )
        : null,
    );
  };
  return { root, video, update };
}
