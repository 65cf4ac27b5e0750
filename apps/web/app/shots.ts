import { get, type ProjectDetail, post, type Shot, type Take, type TimelineView, upload } from './api.js';
import { badge, fill, guarded, h, seconds, usd } from './dom.js';

const FINISHED = ['accepted', 'generated', 'failed', 'paused'];

/** The storyboard: one card per shot with its clip, prompt, takes, and ways to fix it. */
export function createStoryboard(base: string, onChange: () => void) {
  const root = h('div', { class: 'storyboard', id: 'storyboard' });
  let aspect = '16x9';
  // Where each shot sits in the final cut (it can differ from the plan, or appear twice).
  let inCut = new Map<string, Array<{ start: number; end: number }>>();

  const takesBox = async (s: Shot, box: HTMLElement, message: HTMLElement) => {
    const { takes } = await get<{ takes: Take[] }>(`${base}/shots/${encodeURIComponent(s.id)}/takes`).catch(
      () => ({ takes: [] as Take[] }),
    );
    if (takes.length < 2) return fill(box);
    fill(
      box,
      h(
        'p',
        { class: 'small' },
        h('strong', {}, 'Takes'),
        ' — every generation is kept; pick the one to use.',
      ),
      h(
        'ul',
        { class: 'takes' },
        ...takes.map((t) =>
          h(
            'li',
            { class: t.current ? 'take current' : 'take', 'data-take': t.id },
            t.thumbnailUrl
              ? h('img', {
                  src: t.thumbnailUrl,
                  alt: `${t.label} of shot ${s.index + 1}`,
                  class: `take-thumb thumb-${aspect}`,
                })
              : null,
            h('a', { href: t.clipUrl, target: '_blank', rel: 'noopener' }, `Play ${t.label}`),
            t.current
              ? h('span', { class: 'small' }, ' (in use)')
              : h(
                  'button',
                  {
                    type: 'button',
                    class: 'small-button',
                    'aria-label': `Use this take: ${t.label} of shot ${s.index + 1}`,
                    onclick: () =>
                      void guarded(message, async () => {
                        await post(`${base}/shots/${encodeURIComponent(s.id)}/takes/${t.id}/use`, {});
                        onChange();
                      }),
                  },
                  'Use this take',
                ),
          ),
        ),
      ),
    );
  };

  const card = (s: Shot) => {
    const n = s.index + 1;
    const promptId = `prompt-${s.id}`;
    const prompt = h('textarea', { rows: 4, class: 'prompt-edit', id: promptId });
    prompt.value = s.prompt;
    const message = h('p', { class: 'error small', role: 'alert' });
    const bar = h('progress', { class: 'hidden', max: 1, value: 0, 'aria-label': `Upload for shot ${n}` });
    const file = h('input', {
      type: 'file',
      accept: 'video/*',
      class: 'hidden',
      'aria-label': `Clip file for shot ${n}`,
    });
    const takes = h('div', { class: 'takes-box' });
    file.addEventListener('change', () => {
      const f = file.files?.[0];
      if (!f) return;
      const data = new FormData();
      data.set('clip', f, f.name);
      bar.classList.remove('hidden');
      void guarded(message, async () => {
        await upload(`${base}/shots/${encodeURIComponent(s.id)}/replace`, data, (x) => {
          bar.value = x;
        });
        file.closest('details')?.removeAttribute('open');
        onChange();
      }).finally(() => bar.classList.add('hidden'));
    });
    const busy = !FINISHED.includes(s.status);
    const details = h(
      'details',
      {},
      h('summary', {}, `Open shot ${n}: clip, prompt, takes`),
      s.clipUrl
        ? h('video', {
            src: `${s.clipUrl}?a=${s.attempt}`,
            controls: true,
            preload: 'none',
            class: 'shot-clip',
            'aria-label': `Clip of shot ${n}`,
          })
        : null,
      h('label', { for: promptId, class: 'small' }, `Prompt for shot ${n}`),
      prompt,
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            disabled: busy,
            'aria-label': `Regenerate shot ${n}`,
            onclick: () =>
              void guarded(message, async () => {
                await post(`${base}/shots/${encodeURIComponent(s.id)}/regenerate`, {
                  ...(prompt.value.trim() && prompt.value !== s.prompt
                    ? { prompt: prompt.value.trim() }
                    : {}),
                });
                details.removeAttribute('open');
                onChange();
              }),
          },
          'Regenerate',
        ),
        h(
          'button',
          {
            type: 'button',
            disabled: busy,
            'aria-label': `Replace with my clip… (shot ${n})`,
            onclick: () => file.click(),
          },
          'Replace with my clip…',
        ),
        file,
        bar,
      ),
      message,
      takes,
    );
    details.addEventListener('toggle', () => {
      if (details.open) void takesBox(s, takes, message);
    });
    return h(
      'article',
      { class: `shot shot-${s.status}`, 'data-shot': s.id, id: `shot-${s.id}` },
      s.thumbnailUrl
        ? h('img', {
            class: `shot-thumb thumb-${aspect}`,
            // Keyed by attempt and status: a thumbnail fetched mid-generation is never reused after it.
            src: `${s.thumbnailUrl}?a=${s.attempt}&s=${s.status}`,
            alt: s.description,
            loading: 'lazy',
          })
        : h(
            'div',
            { class: `shot-thumb thumb-empty thumb-${aspect}` },
            busy && s.progress > 0 ? `${Math.round(s.progress * 100)}%` : '',
          ),
      h(
        'div',
        { class: 'shot-body' },
        h(
          'div',
          { class: 'shot-meta' },
          h('strong', {}, `#${n}`),
          ` ${(inCut.get(s.id) ?? [{ start: s.start, end: s.end }]).map((r) => `${seconds(r.start)}–${seconds(r.end)}`).join(', ')} `,
          badge(s.status),
          h('span', { class: 'muted' }, ` ${usd(s.costUsd)}${s.attempt > 1 ? ` · try ${s.attempt}` : ''}`),
        ),
        h('p', { class: 'shot-prompt', title: s.prompt }, s.prompt),
        s.error ? h('p', { class: 'error small' }, s.error) : null,
        details,
      ),
    );
  };

  const update = (p: ProjectDetail) => {
    aspect = p.options.aspect.replace(':', 'x');
    // A shot whose card is open keeps it (and what is typed in it) across live refreshes.
    const keep = new Map(
      [...root.querySelectorAll<HTMLElement>('article.shot')]
        .filter((a) => a.querySelector('details')?.open)
        .map((a) => [a.dataset.shot, a] as const),
    );
    fill(
      root,
      ...(p.shots.length
        ? p.shots.map((s) => keep.get(s.id) ?? card(s))
        : [h('p', { class: 'muted' }, 'The shots appear once the storyboard is planned.')]),
    );
  };

  const open = (shotId: string) => {
    const a = root.querySelector<HTMLElement>(`article[data-shot="${CSS.escape(shotId)}"]`);
    const d = a?.querySelector('details');
    if (!a || !d) return;
    d.open = true;
    a.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    a.querySelector<HTMLElement>('summary')?.focus();
  };
  const setCut = (view: TimelineView) => {
    inCut = new Map();
    if (!view.fromCut) return;
    for (const c of view.shots) inCut.set(c.shotId, [...(inCut.get(c.shotId) ?? []), c]);
  };
  return { root, update, open, setCut };
}
