import { type Estimate, get, type Options, type Project, post } from './api.js';
import { ago, badge, fill, h, throttle, usd } from './dom.js';

/** The start page: the new-project form and the live list of projects. */
export function homePage(root: HTMLElement, options: Options): () => void {
  const list = h('div', { class: 'project-list', id: 'projects' }, h('p', { class: 'muted' }, 'Loading…'));
  fill(
    root,
    h(
      'div',
      { class: 'columns' },
      h('section', { class: 'card' }, h('h2', {}, 'New video'), newProjectForm(options)),
      h('section', { class: 'card' }, h('h2', {}, 'Projects'), list),
    ),
  );

  const refresh = async () => {
    try {
      const { projects } = await get<{ projects: Project[] }>('/api/projects');
      fill(
        list,
        ...(projects.length ? projects.map(projectRow) : [h('p', { class: 'muted' }, 'No projects yet.')]),
      );
    } catch (err) {
      fill(list, h('p', { class: 'error' }, (err as Error).message));
    }
  };
  void refresh();
  // Every project's events: the list follows status and progress live.
  const events = new EventSource('/api/events');
  const soon = throttle(() => void refresh(), 700);
  for (const type of ['project', 'stage', 'done', 'failed']) events.addEventListener(type, soon);
  return () => events.close();
}

function projectRow(p: Project): HTMLElement {
  const running = p.stages.find((s) => s.status === 'running');
  const done = p.stages.filter((s) => s.status === 'done' || s.status === 'skipped').length;
  const pct = Math.round((done / Math.max(1, p.stages.length)) * 100);
  return h(
    'a',
    { class: 'project-row', href: `#/projects/${encodeURIComponent(p.id)}`, 'data-id': p.id },
    p.thumbnailUrl
      ? h('img', { class: 'thumb', src: p.thumbnailUrl, alt: '' })
      : h('div', { class: 'thumb thumb-empty' }),
    h(
      'div',
      { class: 'row-main' },
      h('div', { class: 'row-title' }, h('strong', {}, p.name), badge(p.status)),
      h(
        'div',
        { class: 'muted small' },
        [p.options.theme || 'no theme', p.options.provider, p.options.aspect, ago(p.createdAt)].join(' · '),
      ),
      p.status === 'done'
        ? null
        : h(
            'div',
            { class: 'bar', title: `${pct}%` },
            h('div', { class: 'bar-fill', style: `width:${pct}%` }),
            h('span', { class: 'bar-label' }, running ? running.name : p.status),
          ),
    ),
  );
}

/** How long the chosen song is, read by the browser before upload (for the cost estimate). */
function audioDuration(file: File): Promise<number | undefined> {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const audio = new Audio();
    const done = (v: number | undefined) => {
      URL.revokeObjectURL(url);
      resolve(v);
    };
    audio.preload = 'metadata';
    audio.onloadedmetadata = () => done(Number.isFinite(audio.duration) ? audio.duration : undefined);
    audio.onerror = () => done(undefined);
    audio.src = url;
  });
}

function select(name: string, values: string[], value: string, labels: Record<string, string> = {}) {
  return h(
    'select',
    { name, id: `f-${name}` },
    ...values.map((v) => h('option', { value: v, selected: v === value }, labels[v] ?? v)),
  );
}

function field(label: string, control: HTMLElement, hint?: string) {
  return h('label', { class: 'field' }, h('span', {}, label), control, hint ? h('small', {}, hint) : null);
}

function newProjectForm(options: Options): HTMLFormElement {
  const audio = h('input', { type: 'file', name: 'audio', id: 'f-audio', accept: 'audio/*', required: true });
  const theme = h('input', {
    type: 'text',
    name: 'theme',
    id: 'f-theme',
    placeholder: 'e.g. neon city at night, a lonely astronaut',
    maxlength: 400,
  });
  const provider = select('provider', options.providers, 'local', { local: 'local (offline, free)' });
  const crew = select('crew', options.crews, 'auto', {
    auto: 'auto (LLM when a key is set)',
    heuristic: 'heuristic (offline)',
  });
  const renderer = select(
    'renderer',
    options.renderers,
    options.renderers.includes('remotion') ? 'remotion' : 'ffmpeg',
  );
  const aspect = select('aspect', options.aspects, '16:9', {
    '16:9': '16:9 landscape',
    '9:16': '9:16 portrait',
    '1:1': '1:1 square',
  });
  const budget = h('input', {
    type: 'number',
    name: 'maxCostUsd',
    id: 'f-budget',
    min: 0,
    step: '0.5',
    placeholder: 'no cap',
  });
  const estimateBox = h(
    'div',
    { class: 'estimate', id: 'estimate' },
    'Choose a song to see the cost estimate.',
  );
  const approve = h('input', { type: 'checkbox', id: 'f-approve' });
  const approveLabel = h('label', { class: 'approve hidden' }, approve, h('span', {}, ''));
  const submit = h('button', { type: 'submit', class: 'primary', id: 'f-submit' }, 'Make the video');
  const message = h('p', { class: 'error', role: 'alert' });
  let estimate: Estimate | undefined;
  let duration: number | undefined;

  const refreshEstimate = async () => {
    estimate = undefined;
    if (!duration) return;
    estimateBox.textContent = 'Estimating…';
    try {
      estimate = await post<Estimate>('/api/estimate', {
        provider: provider.value,
        durationSec: duration,
        aspect: aspect.value,
      });
      const free = estimate.usd === 0;
      fill(
        estimateBox,
        h('strong', {}, free ? 'Free' : `≈ ${usd(estimate.usd)}`),
        ` · about ${estimate.shots} shot${estimate.shots === 1 ? '' : 's'}, ${estimate.seconds.toFixed(0)} s of video from ${estimate.provider}${estimate.exact ? '' : ' (the plan may change it; you are asked again above what you approve)'}`,
      );
      approveLabel.classList.toggle('hidden', free);
      (approveLabel.lastChild as HTMLElement).textContent = `I approve spending up to ${usd(estimate.usd)}`;
    } catch (err) {
      estimateBox.textContent = (err as Error).message;
    }
  };
  audio.addEventListener('change', async () => {
    const file = audio.files?.[0];
    message.textContent = '';
    duration = undefined;
    if (!file) return;
    if (file.size > options.maxUploadBytes) {
      message.textContent = `The file is larger than ${Math.round(options.maxUploadBytes / 1024 / 1024)} MB.`;
      return;
    }
    duration = await audioDuration(file);
    if (!duration)
      estimateBox.textContent = 'This browser cannot read the song’s length; the server will check it.';
    await refreshEstimate();
  });
  provider.addEventListener('change', () => void refreshEstimate());
  aspect.addEventListener('change', () => void refreshEstimate());

  const form = h(
    'form',
    { class: 'new-project', id: 'new-project' },
    field('Song', audio, 'MP3, WAV, FLAC… (a Suno export works)'),
    field('Theme', theme, 'What the video is about; the crew plans scenes from it and the song.'),
    h('div', { class: 'grid2' }, field('Video model', provider), field('Crew', crew)),
    h('div', { class: 'grid2' }, field('Aspect', aspect), field('Renderer', renderer)),
    field('Budget cap (USD)', budget),
    estimateBox,
    approveLabel,
    h('div', { class: 'actions' }, submit),
    message,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    message.textContent = '';
    const file = audio.files?.[0];
    if (!file) {
      message.textContent = 'Choose a song first.';
      return;
    }
    if (estimate && estimate.usd > 0 && !approve.checked) {
      message.textContent = `Approve the estimated ${usd(estimate.usd)} to start, or pick the local model.`;
      return;
    }
    const data = new FormData(form);
    data.delete('audio');
    data.set('audio', file, file.name);
    for (const [k, v] of [...data.entries()]) if (v === '') data.delete(k);
    if (estimate && estimate.usd > 0) data.set('approvedUsd', String(Math.ceil(estimate.usd * 100) / 100));
    submit.disabled = true;
    submit.textContent = 'Uploading…';
    try {
      const p = await post<Project>('/api/projects', data);
      location.hash = `#/projects/${encodeURIComponent(p.id)}`;
    } catch (err) {
      message.textContent = (err as Error).message;
      submit.disabled = false;
      submit.textContent = 'Make the video';
    }
  });
  return form;
}
