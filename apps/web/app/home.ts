import { get, type Options, type Project, post } from './api.js';
import { ago, badge, fill, guarded, h, STAGE_LABELS, statusOf, throttle, usd } from './dom.js';
import { newProjectForm } from './form.js';

interface Alerts {
  alerts: Array<{ scope: string; key: string; threshold: number; at: string }>;
  quotaPaused: Array<{ id: string; name: string; reason: string }>;
}
interface Keys {
  switches: Array<{ projectId?: string; summary: string; at: string }>;
}

/** The start page: alerts, the new-project form and the live list of projects. */
export function homePage(root: HTMLElement, options: Options): () => void {
  const list = h('div', { class: 'project-list', id: 'projects' }, h('p', { class: 'muted' }, 'Loading…'));
  const alerts = h('div', { id: 'alerts', 'aria-live': 'polite' });
  fill(
    root,
    alerts,
    h(
      'div',
      { class: 'columns' },
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'h-new' },
        h('h2', { id: 'h-new' }, 'New video'),
        newProjectForm(options),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'h-projects' },
        h('h2', { id: 'h-projects' }, 'Projects'),
        list,
      ),
    ),
  );
  document.title = 'beatframe';

  const refresh = async () => {
    try {
      const { projects } = await get<{ projects: Project[] }>('/api/projects');
      // Newest first, whatever order the server keeps.
      const sorted = [...projects].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
      fill(
        list,
        ...(sorted.length
          ? sorted.map((p) => projectRow(p, refresh))
          : [h('p', { class: 'muted' }, 'No projects yet.')]),
      );
    } catch (err) {
      fill(list, h('p', { class: 'error' }, (err as Error).message));
    }
  };
  const refreshAlerts = async () => {
    const [a, k] = await Promise.all([
      get<Alerts>('/api/ops/alerts').catch(() => undefined),
      get<Keys>('/api/ops/keys').catch(() => undefined),
    ]);
    const items: HTMLElement[] = [];
    for (const x of a?.alerts.slice(0, 5) ?? [])
      items.push(
        h(
          'li',
          { class: x.threshold >= 1 ? 'alert-bad' : 'alert-warn' },
          `${x.threshold >= 1 ? 'Budget used up' : `Budget ${Math.round(x.threshold * 100)}% used`}: ${x.scope} ${x.key} (${ago(x.at)})`,
        ),
      );
    for (const q of a?.quotaPaused ?? [])
      items.push(
        h(
          'li',
          { class: 'alert-bad' },
          'Paused by a quota limit: ',
          h('a', { href: `#/projects/${encodeURIComponent(q.id)}` }, q.name),
          ` — it goes on when the quota resets or a key is added.`,
        ),
      );
    for (const s of k?.switches.slice(0, 3) ?? [])
      items.push(h('li', { class: 'alert-info' }, `Key switched: ${s.summary} (${ago(s.at)})`));
    fill(
      alerts,
      items.length
        ? h(
            'section',
            { class: 'card alerts', 'aria-labelledby': 'h-alerts' },
            h('h2', { id: 'h-alerts' }, 'Alerts'),
            h('ul', {}, ...items),
          )
        : null,
    );
  };
  void refresh();
  void refreshAlerts();
  // Every project's events: the list follows status and progress live.
  const events = new EventSource('/api/events');
  const soon = throttle(() => void refresh(), 700);
  const alertsSoon = throttle(() => void refreshAlerts(), 5000);
  for (const type of ['project', 'stage', 'done', 'failed']) events.addEventListener(type, soon);
  for (const type of ['cost', 'project']) events.addEventListener(type, alertsSoon);
  return () => events.close();
}

function projectRow(p: Project, refresh: () => Promise<void>): HTMLElement {
  const running = p.stages.find((s) => s.status === 'running');
  const done = p.stages.filter((s) => s.status === 'done' || s.status === 'skipped').length;
  const pct = Math.round((done / Math.max(1, p.stages.length)) * 100);
  const status = statusOf(p);
  const href = `#/projects/${encodeURIComponent(p.id)}`;
  const message = h('p', { class: 'error small', role: 'alert' });
  const rename = h(
    'button',
    { type: 'button', class: 'small-button', 'aria-label': `Rename ${p.name}` },
    'Rename',
  );
  rename.addEventListener('click', () => {
    const name = prompt('New name for this project', p.name)?.trim();
    if (name && name !== p.name)
      void guarded(message, () =>
        post(`/api/projects/${encodeURIComponent(p.id)}`, { name }, 'PATCH').then(refresh),
      );
  });
  const remove = h(
    'button',
    { type: 'button', class: 'small-button danger', 'aria-label': `Delete ${p.name}` },
    'Delete',
  );
  remove.addEventListener('click', () => {
    if (confirm(`Delete “${p.name}” with its video and clips? This cannot be undone.`))
      void guarded(message, () =>
        post(`/api/projects/${encodeURIComponent(p.id)}`, undefined, 'DELETE').then(refresh),
      );
  });
  const aspect = p.options.aspect.replace(':', 'x');
  return h(
    'div',
    { class: 'project-row', 'data-id': p.id },
    p.thumbnailUrl
      ? h('img', {
          class: `thumb thumb-${aspect}`,
          src: `${p.thumbnailUrl}?v=${encodeURIComponent(p.updatedAt)}`,
          alt: '',
        })
      : h('div', { class: 'thumb thumb-empty' }),
    h(
      'div',
      { class: 'row-main' },
      h('div', { class: 'row-title' }, h('a', { href }, h('strong', {}, p.name)), badge(status)),
      h(
        'div',
        { class: 'muted small' },
        [
          p.options.theme || 'no theme',
          p.options.provider,
          p.options.aspect,
          p.budget.spentUsd > 0 ? `${usd(p.budget.spentUsd)} spent` : '',
          ago(p.createdAt),
        ]
          .filter(Boolean)
          .join(' · '),
      ),
      p.error && status !== 'cancelled' ? h('div', { class: 'small row-error' }, p.error) : null,
      p.status === 'done' || status === 'cancelled'
        ? null
        : h(
            'div',
            {
              class: 'bar',
              role: 'progressbar',
              'aria-valuenow': pct,
              'aria-valuemin': 0,
              'aria-valuemax': 100,
              'aria-label': `${p.name} progress`,
            },
            h('div', { class: 'bar-fill', style: `width:${pct}%` }),
            h(
              'span',
              { class: 'bar-label' },
              running ? (STAGE_LABELS[running.name] ?? running.name) : p.status,
            ),
          ),
      message,
    ),
    h('div', { class: 'row-actions' }, rename, remove),
  );
}
