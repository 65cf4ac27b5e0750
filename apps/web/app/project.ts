import { get, type ProjectDetail, type ProviderInfo, post } from './api.js';
import { badge, fill, guarded, h, seconds, statusOf, throttle, usd } from './dom.js';
import { field, modelPicker } from './form.js';
import { createDecisionLog, renderEvaluation } from './insights.js';
import { createPlayer } from './player.js';
import { announceDone, loadEta, notifyButton, renderStages } from './progress.js';
import { createStoryboard } from './shots.js';
import { stillsBox } from './stills.js';
import { createTimeline } from './timeline.js';

/** The pipeline's reasons name CLI commands; in the page the same thing is a button. */
function inPage(reason: string): string {
  return reason
    .replace(/approve it with `beatframe resume [^`]*`/, 'approve it with the Approve button')
    .replace(/raise it with `beatframe resume [^`]*`/, 'raise it with the Approve button')
    .replace(/go on with `beatframe resume [^`]*`/, 'go on with the Resume button')
    .replace(/re-roll a still with `beatframe stills [^`]*`/, 're-roll a still with its button');
}

/** What a person can do about a project a provider paused for them (a captcha, a sign-in, a changed site). */
function attentionBox(p: ProjectDetail): HTMLElement | null {
  const a = p.attention;
  if (!a) return null;
  return h(
    'section',
    { class: 'card attention', id: 'attention', role: 'alert', 'aria-labelledby': 'h-attention' },
    h('h2', { id: 'h-attention' }, 'Needs you'),
    h('p', {}, a.reason),
    h(
      'p',
      { class: 'small' },
      'What to do: open the site with the video account in a browser (or run ',
      h('code', {}, `beatframe resume ${p.id} --headed`),
      '), solve what it asks (a captcha, a code, a sign-in), then press Resume. The job already submitted is not paid twice. Or switch to another model below.',
    ),
    a.screenshotUrl
      ? h('img', {
          class: 'attention-shot',
          src: a.screenshotUrl,
          alt: 'What the video site showed when it stopped (password fields masked)',
        })
      : null,
  );
}

/** One project: progress, video and versions, timeline, storyboard, evaluation and decisions, live. */
export function projectPage(root: HTMLElement, id: string): () => void {
  const base = `/api/projects/${encodeURIComponent(id)}`;
  const header = h('div', { class: 'project-header' });
  const attention = h('div', {});
  const stages = h('div', { class: 'progress', id: 'progress' });
  const evaluation = h('div', { class: 'evaluation', id: 'evaluation' });
  const message = h('p', { class: 'error', role: 'alert' });
  const announcer = h('p', { class: 'sr-only', 'aria-live': 'assertive', id: 'announcer' });
  const refreshSoon = () => void refresh();
  const player = createPlayer(base, refreshSoon);
  const storyboard = createStoryboard(base, refreshSoon);
  const timeline = createTimeline(
    base,
    player.video,
    (shotId) => storyboard.open(shotId),
    (view) => storyboard.setCut(view),
  );
  const log = createDecisionLog(base);
  fill(
    root,
    h('a', { href: '#/', class: 'back' }, '← All projects'),
    header,
    message,
    attention,
    announcer,
    h(
      'div',
      { class: 'columns project-top' },
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'h-progress' },
        h('h2', { id: 'h-progress' }, 'Progress'),
        stages,
      ),
      player.root,
    ),
    timeline.root,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'h-storyboard' },
      h('h2', { id: 'h-storyboard' }, 'Storyboard'),
      storyboard.root,
    ),
    h(
      'div',
      { class: 'columns' },
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'h-eval' },
        h('h2', { id: 'h-eval' }, 'How well it fits the music'),
        evaluation,
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'h-log' },
        h('h2', { id: 'h-log' }, 'Decision log'),
        log.root,
      ),
    ),
  );

  let providers: ProviderInfo[] | undefined;
  let lastStatus: string | undefined;
  const act = (fn: () => Promise<unknown>) =>
    guarded(message, async () => {
      await fn();
      await refresh();
    });

  const switchModel = (p: ProjectDetail) => {
    if (!providers) return null;
    const picker = modelPicker(
      providers.filter((x) => x.name !== p.options.provider || x.models.length > 1),
      '',
      'f-switch',
    );
    const out = h('p', { class: 'error small', role: 'alert' });
    return h(
      'details',
      { class: 'switch-model' },
      h('summary', {}, 'Go on with another video model'),
      h(
        'div',
        { class: 'grid2' },
        field('Video model', picker.provider),
        field('Model version', picker.model),
      ),
      h('small', {}, picker.hint),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'primary',
            onclick: () =>
              void guarded(out, async () => {
                const pick = providers?.find((x) => x.name === picker.provider.value);
                if (!pick?.configured) throw new Error('That model is not set up on this server.');
                await post(`${base}/model`, {
                  provider: pick.name,
                  ...(picker.model.value ? { model: picker.model.value } : {}),
                });
                await refresh();
              }),
          },
          'Switch and go on',
        ),
      ),
      out,
    );
  };

  const approvalAmount = (p: ProjectDetail) =>
    Math.max(p.costs.approvalNeededUsd ?? 0, p.costs.estimateMaxUsd ?? 0, p.costs.estimateUsd);

  const renderHeader = (p: ProjectDetail) => {
    const status = statusOf(p);
    const working = p.status === 'queued' || p.status === 'running';
    // An open model switch keeps its state (what is picked) across live refreshes.
    const openSwitch = header.querySelector<HTMLElement>('details.switch-model[open]');
    const stuck =
      p.status === 'paused' ||
      p.status === 'failed' ||
      (working && p.shots.some((s) => s.status === 'failed'));
    fill(
      header,
      h(
        'div',
        {},
        h('h1', {}, p.name, ' ', badge(status)),
        h(
          'p',
          { class: 'muted' },
          [
            p.song
              ? `${p.song.title}${p.song.artist ? ` — ${p.song.artist}` : ''} (${seconds(p.song.durationSec)})`
              : '',
            p.options.theme ? `“${p.options.theme}”` : '',
            `${p.options.provider}${p.options.model ? ` ${p.options.model}` : ''} · ${p.options.aspect}${p.options.resolution ? ` · ${p.options.resolution}` : ''}${p.options.preview ? ' · preview (half size)' : ''}`,
          ]
            .filter(Boolean)
            .join(' · '),
        ),
        p.reason && status !== 'cancelled' ? h('p', { class: 'reason' }, inPage(p.reason)) : null,
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
          // The storyboard's approval has its own buttons, in the "Needs you" panel.
          p.awaitingApproval && !p.storyboard?.phase
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'primary',
                  // The amount on the button is the amount approved: the estimate's upper bound, or what the
                  // paused clip needs once the approval is used up.
                  onclick: () => void act(() => post(`${base}/approve`, { maxUsd: approvalAmount(p) })),
                },
                `Approve up to ${usd(approvalAmount(p))}`,
              )
            : null,
          (p.status === 'paused' && !p.awaitingApproval) || p.status === 'failed'
            ? h(
                'button',
                { type: 'button', onclick: () => void act(() => post(`${base}/resume`, {})) },
                status === 'cancelled' ? 'Start again' : 'Resume',
              )
            : null,
          // A delivered preview: the same cut again, full size, by the project's renderer.
          p.status === 'done' && p.options.preview
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'primary',
                  title: `The same clips and cut rendered by ${p.options.renderer} at full size`,
                  onclick: () => void act(() => post(`${base}/final`)),
                },
                'Render final video',
              )
            : null,
          working || p.status === 'paused'
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'danger',
                  onclick: () => {
                    if (
                      confirm('Stop this project? Clips already made are kept; you can start it again later.')
                    )
                      void act(() => post(`${base}/cancel`));
                  },
                },
                'Cancel',
              )
            : null,
          working ? notifyButton() : null,
        ),
        stuck ? (openSwitch ?? switchModel(p)) : null,
      ),
    );
  };

  let loading = false;
  let again = false;
  let attentionShown = '';
  const refresh = async (): Promise<void> => {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      const p = await get<ProjectDetail>(base);
      renderHeader(p);
      // Rebuilt only when what it shows changed, so a prompt being edited in it keeps its words and focus.
      const shown = JSON.stringify([p.status, p.reason, p.awaitingApproval, p.costs, p.storyboard]);
      if (shown !== attentionShown) {
        attentionShown = shown;
        fill(attention, attentionBox(p) ?? stillsBox(p, approvalAmount(p), act));
      }
      renderStages(stages, p);
      await player.update(p);
      await timeline.update(
        `${p.shots.length}|${p.stages.find((s) => s.name === 'edit')?.status}|${p.updatedAt}`,
      );
      storyboard.update(p);
      renderEvaluation(evaluation, p);
      void log.update();
      const working = p.status === 'queued' || p.status === 'running';
      if (lastStatus && ['queued', 'running'].includes(lastStatus) && !working) announceDone(p, announcer);
      lastStatus = p.status;
    } catch (err) {
      message.textContent = (err as Error).message;
    } finally {
      loading = false;
      if (again) {
        again = false;
        void refresh();
      }
    }
  };

  void Promise.all([
    loadEta(),
    get<{ providers: ProviderInfo[] }>('/api/studio/providers').then(
      (r) => {
        providers = r.providers;
      },
      () => {},
    ),
  ]).then(refresh);
  // Live: stage progress and shot changes arrive over SSE; refreshes are throttled.
  const events = new EventSource(`${base}/events`);
  const soon = throttle(() => void refresh(), 600);
  for (const type of ['project', 'stage', 'shot', 'cost', 'done', 'failed'])
    events.addEventListener(type, soon);
  // Elapsed time and ETA move on between events.
  const tick = window.setInterval(() => {
    if (lastStatus === 'running') soon();
  }, 5000);
  return () => {
    events.close();
    window.clearInterval(tick);
    document.title = 'beatframe';
  };
}
