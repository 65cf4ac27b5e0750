import { type Decision, get, type ProjectDetail, post, type Shot } from './api.js';
import { badge, fill, h, seconds, throttle, usd } from './dom.js';

/** One project: progress, video, storyboard, evaluation and decisions, live while it works. */
export function projectPage(root: HTMLElement, id: string): () => void {
  const base = `/api/projects/${encodeURIComponent(id)}`;
  const header = h('div', { class: 'project-header' });
  const stages = h('ol', { class: 'stages', id: 'stages' });
  const player = h('div', { class: 'player', id: 'player' });
  const storyboard = h('div', { class: 'storyboard', id: 'storyboard' });
  const evaluation = h('div', { class: 'evaluation', id: 'evaluation' });
  const decisions = h('div', { class: 'decisions', id: 'decisions' });
  const message = h('p', { class: 'error', role: 'alert' });
  fill(
    root,
    h('a', { href: '#/', class: 'back' }, '← All projects'),
    header,
    message,
    h(
      'div',
      { class: 'columns project-top' },
      h('section', { class: 'card' }, h('h2', {}, 'Progress'), stages),
      player,
    ),
    h('section', { class: 'card' }, h('h2', {}, 'Storyboard'), storyboard),
    h(
      'div',
      { class: 'columns' },
      h('section', { class: 'card' }, h('h2', {}, 'Evaluation'), evaluation),
      h('section', { class: 'card' }, h('h2', {}, 'Decision log'), decisions),
    ),
  );

  let shownVideo: string | undefined;
  let last: ProjectDetail | undefined;
  const act = async (fn: () => Promise<unknown>) => {
    message.textContent = '';
    try {
      await fn();
      await refresh();
    } catch (err) {
      message.textContent = (err as Error).message;
    }
  };

  const refresh = async () => {
    let p: ProjectDetail;
    try {
      p = await get<ProjectDetail>(base);
    } catch (err) {
      fill(
        root,
        h('a', { href: '#/', class: 'back' }, '← All projects'),
        h('p', { class: 'error' }, (err as Error).message),
      );
      return;
    }
    last = p;
    renderHeader(p);
    renderStages(p);
    renderPlayer(p);
    renderShots(p);
    renderEvaluation(p);
    void loadDecisions();
  };

  const approvalAmount = (p: ProjectDetail) =>
    Math.max(p.costs.approvalNeededUsd ?? 0, p.costs.estimateMaxUsd ?? 0, p.costs.estimateUsd);

  const renderHeader = (p: ProjectDetail) => {
    const working = p.status === 'queued' || p.status === 'running';
    fill(
      header,
      h(
        'div',
        {},
        h('h1', {}, p.name, ' ', badge(p.status)),
        h(
          'p',
          { class: 'muted' },
          [
            p.song
              ? `${p.song.title}${p.song.artist ? ` — ${p.song.artist}` : ''} (${seconds(p.song.durationSec)})`
              : '',
            p.options.theme ? `“${p.options.theme}”` : '',
            `${p.options.provider} · ${p.options.crew} crew · ${p.options.renderer} · ${p.options.aspect}`,
          ]
            .filter(Boolean)
            .join(' · '),
        ),
        p.reason ? h('p', { class: 'reason' }, p.reason) : null,
        ...(p.notices ?? []).map((n) => h('p', { class: 'reason notice' }, n)),
      ),
      h(
        'div',
        { class: 'header-side' },
        h(
          'div',
          { class: 'costs' },
          h('strong', {}, usd(p.costs.spentUsd)),
          ` spent of ${usd(p.costs.estimateUsd)} estimated`,
          p.costs.estimateMaxUsd !== undefined ? ` (up to ${usd(p.costs.estimateMaxUsd)})` : '',
          p.costs.maxUsd !== undefined ? ` (cap ${usd(p.costs.maxUsd)})` : '',
        ),
        h(
          'div',
          { class: 'actions' },
          p.awaitingApproval
            ? h(
                'button',
                // The amount on the button is the amount approved: the estimate's upper bound, or what the
                // paused clip needs once the approval is used up.
                {
                  class: 'primary',
                  onclick: () => act(() => post(`${base}/approve`, { maxUsd: approvalAmount(p) })),
                },
                `Approve up to ${usd(approvalAmount(p))}`,
              )
            : null,
          (p.status === 'paused' && !p.awaitingApproval) || p.status === 'failed'
            ? h('button', { onclick: () => act(() => post(`${base}/resume`, {})) }, 'Resume')
            : null,
          working || p.status === 'paused'
            ? h('button', { class: 'danger', onclick: () => act(() => post(`${base}/cancel`)) }, 'Cancel')
            : null,
        ),
      ),
    );
  };

  const renderStages = (p: ProjectDetail) => {
    fill(
      stages,
      ...p.stages.map((s) =>
        h(
          'li',
          { class: `stage stage-${s.status}`, 'data-stage': s.name },
          h('span', { class: 'stage-name' }, s.name),
          h(
            'span',
            { class: 'bar' },
            h('span', {
              class: 'bar-fill',
              style: `width:${Math.round((s.status === 'done' ? 1 : s.progress) * 100)}%`,
            }),
          ),
          h(
            'span',
            { class: 'stage-status' },
            s.status === 'running' ? `${Math.round(s.progress * 100)}%` : s.status,
          ),
          s.error ? h('span', { class: 'stage-error' }, s.error) : null,
        ),
      ),
    );
  };

  const renderPlayer = (p: ProjectDetail) => {
    if (!p.videoUrl) {
      shownVideo = undefined;
      fill(
        player,
        h(
          'div',
          { class: 'card placeholder' },
          h(
            'p',
            { class: 'muted' },
            p.status === 'failed'
              ? 'No video: the project failed.'
              : 'The video appears here when it is rendered.',
          ),
        ),
      );
      return;
    }
    // Re-rendered videos get a new URL so the browser does not play a cached old one.
    const src = `${p.videoUrl}?v=${encodeURIComponent(p.updatedAt)}`;
    if (src === shownVideo) return;
    shownVideo = src;
    fill(
      player,
      h(
        'section',
        { class: 'card' },
        h('h2', {}, 'Video'),
        h('video', {
          id: 'video',
          src,
          controls: true,
          preload: 'metadata',
          playsinline: true,
          poster: p.thumbnailUrl ? `${p.thumbnailUrl}?v=${encodeURIComponent(p.updatedAt)}` : undefined,
        }),
        h(
          'div',
          { class: 'actions' },
          h(
            'a',
            {
              class: 'button primary',
              href: p.downloadUrl ?? p.videoUrl,
              download: `${p.name}.mp4`,
              id: 'download',
            },
            'Download MP4',
          ),
        ),
      ),
    );
  };

  /** Done with a shot's editor: close it so the card follows the shot live again. */
  const closeEditor = (ev: Event) => (ev.target as HTMLElement).closest('details')?.removeAttribute('open');

  const shotCard = (s: Shot) => {
    const prompt = h('textarea', { rows: 5, class: 'prompt-edit' });
    prompt.value = s.prompt;
    const file = h('input', { type: 'file', accept: 'video/*', class: 'hidden' });
    file.addEventListener('change', () => {
      const f = file.files?.[0];
      if (!f) return;
      const data = new FormData();
      data.set('clip', f, f.name);
      void act(async () => {
        await post(`${base}/shots/${encodeURIComponent(s.id)}/replace`, data);
        file.closest('details')?.removeAttribute('open');
      });
    });
    const busy = !['accepted', 'generated', 'failed', 'paused'].includes(s.status);
    return h(
      'article',
      { class: `shot shot-${s.status}`, 'data-shot': s.id },
      s.thumbnailUrl
        ? h('img', {
            class: 'shot-thumb',
            src: `${s.thumbnailUrl}?a=${s.attempt}`,
            alt: s.description,
            loading: 'lazy',
          })
        : h(
            'div',
            { class: 'shot-thumb thumb-empty' },
            busy && s.progress > 0 ? `${Math.round(s.progress * 100)}%` : '',
          ),
      h(
        'div',
        { class: 'shot-body' },
        h(
          'div',
          { class: 'shot-meta' },
          h('strong', {}, `#${s.index + 1}`),
          ` ${seconds(s.start)}–${seconds(s.end)} `,
          badge(s.status),
          h('span', { class: 'muted' }, ` ${usd(s.costUsd)}${s.attempt > 1 ? ` · try ${s.attempt}` : ''}`),
        ),
        h('p', { class: 'shot-prompt', title: s.prompt }, s.prompt),
        s.error ? h('p', { class: 'error small' }, s.error) : null,
        h(
          'details',
          {},
          h('summary', {}, 'Fix this shot'),
          prompt,
          h(
            'div',
            { class: 'actions' },
            h(
              'button',
              {
                disabled: busy,
                onclick: (ev: Event) =>
                  act(async () => {
                    await post(`${base}/shots/${encodeURIComponent(s.id)}/regenerate`, {
                      ...(prompt.value.trim() && prompt.value !== s.prompt
                        ? { prompt: prompt.value.trim() }
                        : {}),
                    });
                    closeEditor(ev);
                  }),
              },
              'Regenerate',
            ),
            h('button', { disabled: busy, onclick: () => file.click() }, 'Replace with upload…'),
            file,
          ),
        ),
      ),
    );
  };

  const renderShots = (p: ProjectDetail) => {
    // A shot whose editor is open keeps its card (and what is typed in it) across live refreshes.
    const keep = new Map(
      [...storyboard.querySelectorAll<HTMLElement>('article.shot')]
        .filter((a) => a.querySelector('details')?.open)
        .map((a) => [a.dataset.shot, a] as const),
    );
    fill(
      storyboard,
      ...(p.shots.length
        ? p.shots.map((s) => keep.get(s.id) ?? shotCard(s))
        : [h('p', { class: 'muted' }, 'The shots appear once the storyboard is planned.')]),
    );
  };

  const renderEvaluation = (p: ProjectDetail) => {
    const e = p.evaluation;
    if (!e) {
      fill(
        evaluation,
        h('p', { class: 'muted' }, 'Measured after the render: cuts on beats, motion against the music.'),
      );
      return;
    }
    fill(
      evaluation,
      h(
        'div',
        { class: 'score' },
        h('strong', {}, e.score.toFixed(2)),
        ' ',
        badge(e.passed ? 'passed' : 'below'),
      ),
      e.components
        ? h(
            'ul',
            { class: 'components' },
            ...Object.entries(e.components).map(([k, v]) =>
              h('li', {}, h('span', {}, k), h('strong', {}, v.toFixed(2))),
            ),
          )
        : null,
      h('pre', { class: 'summary' }, e.summary),
      e.plotUrl
        ? h('img', {
            class: 'plot',
            src: `${e.plotUrl}?v=${encodeURIComponent(p.updatedAt)}`,
            alt: 'evaluation plot',
          })
        : null,
      e.issues.length
        ? h(
            'ul',
            { class: 'issues' },
            ...e.issues.map((i) => h('li', { class: `issue-${i.severity}` }, i.message)),
          )
        : null,
    );
  };

  let decisionsShown = -1;
  const loadDecisions = async () => {
    const { decisions: list } = await get<{ decisions: Decision[] }>(`${base}/decisions`);
    if (list.length === decisionsShown) return;
    decisionsShown = list.length;
    fill(
      decisions,
      list.length
        ? h(
            'table',
            {},
            h('thead', {}, h('tr', {}, h('th', {}, 'stage'), h('th', {}, 'who'), h('th', {}, 'decision'))),
            h(
              'tbody',
              {},
              ...list.map((d) =>
                h(
                  'tr',
                  {},
                  h('td', {}, d.stage ?? ''),
                  h('td', {}, d.role, d.shotId ? h('span', { class: 'muted' }, ` ${d.shotId}`) : null),
                  h(
                    'td',
                    {},
                    d.summary,
                    d.costUsd ? h('span', { class: 'muted' }, ` (${usd(d.costUsd)})`) : null,
                  ),
                ),
              ),
            ),
          )
        : h('p', { class: 'muted' }, 'No decisions yet.'),
    );
  };

  void refresh();
  // Live: stage progress updates in place at once; anything else refreshes the page (throttled).
  const events = new EventSource(`${base}/events`);
  const soon = throttle(() => void refresh(), 600);
  events.addEventListener('stage', (ev) => {
    const e = JSON.parse((ev as MessageEvent).data) as { stage: string; status: string; progress: number };
    const li = stages.querySelector<HTMLElement>(`[data-stage="${e.stage}"]`);
    if (li && last) {
      li.className = `stage stage-${e.status}`;
      const fill = li.querySelector<HTMLElement>('.bar-fill');
      if (fill) fill.style.width = `${Math.round((e.status === 'done' ? 1 : e.progress) * 100)}%`;
      const st = li.querySelector<HTMLElement>('.stage-status');
      if (st) st.textContent = e.status === 'running' ? `${Math.round(e.progress * 100)}%` : e.status;
    }
    if (e.status !== 'running') soon();
  });
  for (const type of ['project', 'shot', 'cost', 'done', 'failed']) events.addEventListener(type, soon);
  return () => events.close();
}
