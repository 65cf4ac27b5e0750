/** The new-project form. Over 400 lines because it is one form whose fields (model picker, estimate, upload, options) update one another; the field helpers are small. */
import { type Estimate, get, type Options, type Project, type ProviderInfo, post, upload } from './api.js';
import { fill, h, usd } from './dom.js';
import { readTags } from './tags.js';
import { MIN_TAPS, tapper } from './tap.js';

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

/** A labelled control; the hint is tied to it with aria-describedby. */
export function field(label: string, control: HTMLElement, hint?: string | HTMLElement) {
  const hintId = control.id ? `${control.id}-hint` : undefined;
  if (hint && hintId) control.setAttribute('aria-describedby', hintId);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: control.id }, label),
    control,
    hint ? h('small', { id: hintId }, hint) : null,
  );
}

const PRESETS: Record<string, { aspect: string; label: string }> = {
  youtube: { aspect: '16:9', label: 'YouTube (16:9)' },
  shorts: { aspect: '9:16', label: 'Shorts / Reels / TikTok (9:16)' },
  square: { aspect: '1:1', label: 'Square post (1:1)' },
};

/** The model picker: every provider, the ones not set up here greyed out with how to set them up. */
export function modelPicker(providers: ProviderInfo[], value: string, id = 'f-provider') {
  const provider = h(
    'select',
    { name: 'provider', id },
    ...providers.map((p) =>
      h(
        'option',
        { value: p.name, selected: p.name === value, disabled: !p.configured },
        `${p.name === 'local' ? 'local — offline scenes drawn here, free' : p.name}${p.configured ? (p.free && p.name !== 'local' ? ' (free)' : '') : ' — not set up here'}`,
      ),
    ),
  );
  const model = h('select', { name: 'model', id: `${id}-model` });
  const hint = h('span', {});
  const sync = () => {
    const p = providers.find((x) => x.name === provider.value);
    fill(
      model,
      h('option', { value: '' }, 'its default model'),
      ...(p?.models ?? []).map((m) => h('option', { value: m }, m)),
    );
    model.disabled = !p?.models.length;
    const missing = providers.filter((x) => !x.configured);
    fill(
      hint,
      p?.description ?? '',
      missing.length
        ? h(
            'details',
            { class: 'setup-hint' },
            h(
              'summary',
              {},
              `${missing.length} more model${missing.length === 1 ? '' : 's'} need setting up`,
            ),
            h(
              'ul',
              {},
              ...missing.map((x) =>
                h(
                  'li',
                  {},
                  h('strong', {}, x.name),
                  `: ${x.hint ?? (x.keyEnv ? `set ${x.keyEnv} on the server` : 'not set up')}`,
                ),
              ),
            ),
          )
        : null,
    );
  };
  provider.addEventListener('change', sync);
  sync();
  return { provider, model, hint };
}

export function newProjectForm(options: Options): HTMLFormElement {
  const audio = h('input', { type: 'file', name: 'audio', id: 'f-audio', accept: 'audio/*' });
  const drop = h(
    'div',
    { class: 'drop', id: 'drop' },
    h('label', { for: 'f-audio' }, 'Song file: drop it here, or choose it'),
    audio,
  );
  const link = h('input', {
    type: 'url',
    id: 'f-link',
    name: 'link',
    placeholder: 'https://… or a Suno song link',
    maxlength: 2048,
  });
  const title = h('input', {
    type: 'text',
    id: 'f-title',
    name: 'title',
    maxlength: 200,
    placeholder: 'from the song’s tags',
  });
  const artist = h('input', {
    type: 'text',
    id: 'f-artist',
    name: 'artist',
    maxlength: 200,
    placeholder: 'from the song’s tags',
  });
  const lyricsFile = h('input', {
    type: 'file',
    id: 'f-lyrics',
    name: 'lyricsFile',
    accept: '.lrc,.txt,text/plain',
  });
  const theme = h('input', {
    type: 'text',
    name: 'theme',
    id: 'f-theme',
    placeholder: 'e.g. neon city at night, a lonely astronaut',
    maxlength: 400,
  });
  const preset = select(
    'preset',
    Object.keys(PRESETS),
    'youtube',
    Object.fromEntries(Object.entries(PRESETS).map(([k, v]) => [k, v.label])),
  );
  const resolution = select('resolution', options.resolutions, '720p', {
    '720p': '720p (faster)',
    '1080p': '1080p (sharper)',
  });
  const providerBox = h('div', {}, h('p', { class: 'muted' }, 'Loading the models…'));
  let provider = h(
    'select',
    { name: 'provider', id: 'f-provider' },
    h('option', { value: 'local' }, 'local'),
  );
  const crew = select('crew', options.crews, 'auto', {
    auto: 'Automatic (AI planner when the server has a key)',
    llm: 'AI planner (needs an OpenAI-compatible key)',
    heuristic: 'Built-in rules (offline, instant)',
  });
  const renderer = select(
    'renderer',
    options.renderers,
    options.renderers.includes('remotion') ? 'remotion' : 'ffmpeg',
    {
      remotion: 'Best look (Remotion)',
      ffmpeg: 'Fastest (ffmpeg)',
      chunked: 'Parallel (several workers)',
    },
  );
  const visualizer = select('visualizer', options.visualizers ?? ['none', 'bars', 'wave', 'pulse'], 'none', {
    none: 'None',
    bars: 'Spectrum bars',
    wave: 'Waveform',
    pulse: 'Bass pulse',
  });
  const style = select('style', options.styles ?? ['video', 'lyric'], 'video', {
    video: 'Music video (shots cut on the beat)',
    lyric: 'Lyric video (cover art or a scene, big lyrics)',
  });
  const captions = h('input', { type: 'checkbox', id: 'f-captions', name: 'captions', checked: true });
  const titleCard = h('input', { type: 'checkbox', id: 'f-titlecard', name: 'titleCard', checked: true });
  // Offered first: a quick look at the cut in a fraction of the time; the final render is a button away.
  const preview = h('input', { type: 'checkbox', id: 'f-preview', name: 'preview', checked: true });
  // The song's tempo when the musician knows it: the beats are tracked at it, not at a level the analysis picks.
  const bpm = h('input', {
    type: 'number',
    name: 'bpm',
    id: 'f-bpm',
    min: 30,
    max: 300,
    step: 'any',
    placeholder: 'found by the analysis',
  });
  // The field's own bounds (min, max above) are the server's (GIVEN_BPM_RANGE in @beatframe/core).
  const tempoInRange = (v: number) => v >= Number(bpm.min) && v <= Number(bpm.max);
  // Tap tempo: the musician taps along (to the chosen song, played here) and the field takes the beat they tap.
  const listen = h('audio', {
    controls: true,
    id: 'f-listen',
    class: 'hidden',
    preload: 'metadata',
    'aria-label': 'The chosen song, to tap along to',
  });
  let listenUrl: string | undefined;
  const tapButton = h('button', { type: 'button', id: 'f-tap' }, 'Tap the beat');
  const tapStatus = h('small', { id: 'f-tap-status', 'aria-live': 'polite' }, '');
  const taps = tapper();
  const onTap = () => {
    clearTempoError();
    const est = taps.tap();
    if (!est) {
      const more = MIN_TAPS - taps.count;
      tapStatus.textContent = `Tap ${more} more time${more === 1 ? '' : 's'}…`;
      return;
    }
    if (!tempoInRange(est.bpm)) {
      tapStatus.textContent = `${est.bpm} BPM is outside ${bpm.min}–${bpm.max}; pause and tap again.`;
      return;
    }
    bpm.value = String(est.bpm);
    tapStatus.textContent = `${est.bpm} BPM from ${est.taps} taps: keep tapping to refine, pause to start again.`;
  };
  // The press is the beat: pointerdown, not the click that follows the release; Space or Enter from the keyboard.
  tapButton.addEventListener('pointerdown', (ev) => {
    if (ev.button === 0) onTap(); // the main button or a touch, not a right click
  });
  tapButton.addEventListener('keydown', (ev) => {
    if ((ev.key !== ' ' && ev.key !== 'Enter') || ev.repeat) return;
    ev.preventDefault();
    onTap();
  });
  // A click with no pointer or key before it (assistive technology) is a tap too.
  tapButton.addEventListener('click', (ev) => {
    if (ev.detail === 0) onTap();
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
    { class: 'estimate', id: 'estimate', 'aria-live': 'polite' },
    'Choose a song to see the cost estimate.',
  );
  const approve = h('input', { type: 'checkbox', id: 'f-approve' });
  const approveText = h('span', {}, '');
  const approveLabel = h('label', { class: 'approve hidden', for: 'f-approve' }, approve, approveText);
  const submit = h('button', { type: 'submit', class: 'primary', id: 'f-submit' }, 'Make the video');
  const progress = h('progress', {
    id: 'f-progress',
    class: 'hidden',
    max: 1,
    value: 0,
    'aria-label': 'Upload progress',
  });
  const message = h('p', { class: 'error', role: 'alert' });
  // A tempo refused at submit stops being shown once the field changes.
  const clearTempoError = () => {
    if (message.textContent?.startsWith('The tempo')) message.textContent = '';
  };
  bpm.addEventListener('input', clearTempoError);
  let estimate: Estimate | undefined;
  let duration: number | undefined;
  let chosen: File | undefined;
  let model: HTMLSelectElement | undefined;

  const refreshEstimate = async () => {
    estimate = undefined;
    if (!duration) return;
    estimateBox.textContent = 'Estimating…';
    try {
      estimate = await post<Estimate>('/api/estimate', {
        provider: provider.value,
        durationSec: duration,
        aspect: PRESETS[preset.value]?.aspect,
        resolution: resolution.value,
        ...(model?.value ? { model: model.value } : {}),
      });
      const free = estimate.usd === 0;
      fill(
        estimateBox,
        h('strong', {}, free ? 'Free' : `≈ ${usd(estimate.usd)}`),
        ` · roughly ${estimate.shots} shot${estimate.shots === 1 ? '' : 's'}, ${estimate.seconds.toFixed(0)} s of video from ${estimate.provider}${estimate.exact ? '' : ' (the storyboard decides the exact number; a higher cost is asked again)'}`,
      );
      approveLabel.classList.toggle('hidden', free);
      approveText.textContent = ` I approve spending up to ${usd(estimate.usd)}`;
    } catch (err) {
      estimateBox.textContent = (err as Error).message;
    }
  };
  const choose = async (file: File | undefined) => {
    message.textContent = '';
    duration = undefined;
    chosen = file;
    if (listenUrl) URL.revokeObjectURL(listenUrl);
    listenUrl = undefined;
    listen.removeAttribute('src');
    listen.classList.add('hidden');
    if (!file) return;
    if (file.size > options.maxUploadBytes) {
      message.textContent = `The file is larger than ${Math.round(options.maxUploadBytes / 1024 / 1024)} MB.`;
      chosen = undefined;
      return;
    }
    drop.dataset.file = file.name;
    listenUrl = URL.createObjectURL(file);
    listen.src = listenUrl;
    listen.classList.remove('hidden');
    const tags = await readTags(file).catch(() => ({}) as { title?: string; artist?: string });
    if (tags.title && !title.value) title.value = tags.title;
    if (tags.artist && !artist.value) artist.value = tags.artist;
    duration = await audioDuration(file);
    if (!duration)
      estimateBox.textContent = 'This browser cannot read the song’s length; the server will check it.';
    await refreshEstimate();
  };
  audio.addEventListener('change', () => void choose(audio.files?.[0]));
  drop.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    drop.classList.add('drag');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('drag'));
  drop.addEventListener('drop', (ev) => {
    ev.preventDefault();
    drop.classList.remove('drag');
    const file = ev.dataTransfer?.files?.[0];
    if (file) void choose(file);
  });
  preset.addEventListener('change', () => void refreshEstimate());
  resolution.addEventListener('change', () => void refreshEstimate());

  void get<{ providers: ProviderInfo[] }>('/api/studio/providers').then(
    ({ providers }) => {
      const picker = modelPicker(providers, 'local');
      provider = picker.provider;
      model = picker.model;
      provider.addEventListener('change', () => void refreshEstimate());
      model.addEventListener('change', () => void refreshEstimate());
      fill(
        providerBox,
        h('div', { class: 'grid2' }, field('Video model', provider), field('Model version', model)),
        h('small', { class: 'hint' }, picker.hint),
      );
    },
    (err) => fill(providerBox, h('p', { class: 'error' }, (err as Error).message)),
  );

  const tempoField = field(
    'Tempo (BPM)',
    bpm,
    'Optional: the beat you tap (a slow 6/8 at its dotted quarter, a waltz at its beat). Play the song and tap along.',
  );
  bpm.after(h('div', { class: 'tap-row' }, tapButton, tapStatus), listen);
  const form = h(
    'form',
    { class: 'new-project', id: 'new-project', novalidate: true },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Song'),
      drop,
      field('…or a link to it', link, 'An MP3 URL or a suno.com/song/… link'),
    ),
    h('div', { class: 'grid2' }, field('Title', title), field('Artist', artist)),
    field('Lyrics file', lyricsFile, 'Optional: an .lrc with timestamps (or plain lines) for the captions.'),
    field('Theme', theme, 'What the video is about; the storyboard is planned from it and the song.'),
    h('div', { class: 'grid2' }, field('Where it goes', preset), field('Resolution', resolution)),
    providerBox,
    h('div', { class: 'grid2' }, field('Storyboard planner', crew), field('Renderer', renderer)),
    h(
      'div',
      { class: 'grid2' },
      field('Kind of video', style, 'A lyric video always shows the lyrics, the title and a visualizer.'),
      field('Visualizer', visualizer, 'Moves with the music over the video, under the captions.'),
    ),
    h(
      'div',
      { class: 'checks' },
      h('label', { for: 'f-captions' }, captions, ' Lyrics captions'),
      h('label', { for: 'f-titlecard' }, titleCard, ' Title card at the start'),
      h(
        'label',
        { for: 'f-preview' },
        preview,
        ' Quick preview first (half size; render the final video after)',
      ),
    ),
    h(
      'div',
      { class: 'grid2' },
      tempoField,
      field('Budget cap (USD)', budget, 'Spending stops here; leave empty for no cap.'),
    ),
    estimateBox,
    approveLabel,
    h('div', { class: 'actions' }, submit, progress),
    message,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    message.textContent = '';
    const url = link.value.trim();
    if (!chosen && !url) {
      message.textContent = 'Choose a song file, drop one here, or paste a link to it.';
      return;
    }
    if (!provider.value || provider.selectedOptions[0]?.disabled) {
      message.textContent = 'That video model is not set up on this server; pick another.';
      return;
    }
    const tempo = bpm.value.trim();
    if (tempo && !tempoInRange(Number(tempo))) {
      message.textContent = `The tempo must be ${bpm.min}–${bpm.max} BPM, not ${tempo}; leave it empty to let the analysis find it.`;
      return;
    }
    if (estimate && estimate.usd > 0 && !approve.checked) {
      message.textContent = `Approve the estimated ${usd(estimate.usd)} to start, or pick the local model.`;
      return;
    }
    const fields: Record<string, string> = {
      theme: theme.value.trim(),
      title: title.value.trim(),
      artist: artist.value.trim(),
      name: title.value.trim(),
      provider: provider.value,
      model: model?.value ?? '',
      crew: crew.value,
      renderer: renderer.value,
      aspect: PRESETS[preset.value]?.aspect ?? '16:9',
      resolution: resolution.value,
      captions: String(captions.checked),
      titleCard: String(titleCard.checked),
      visualizer: visualizer.value,
      style: style.value,
      preview: String(preview.checked),
      maxCostUsd: budget.value,
      bpm: tempo,
    };
    if (estimate && estimate.usd > 0) fields.approvedUsd = String(Math.ceil(estimate.usd * 100) / 100);
    // Lyrics travel as text; the server keeps them as the project's lyrics file.
    const lrc = lyricsFile.files?.[0];
    if (lrc) {
      if (lrc.size > 64 * 1024) {
        message.textContent = `The lyrics file is ${Math.round(lrc.size / 1024)} KB; lyrics are text of at most 64 KB.`;
        return;
      }
      fields.lyrics = await lrc.text();
    }
    for (const k of Object.keys(fields)) if (fields[k] === '') delete fields[k];
    submit.disabled = true;
    try {
      let p: Project;
      if (chosen) {
        const data = new FormData();
        for (const [k, v] of Object.entries(fields)) data.set(k, v);
        data.set('audio', chosen, chosen.name);
        progress.classList.remove('hidden');
        submit.textContent = 'Uploading…';
        p = await upload<Project>('/api/projects', data, (f) => {
          progress.value = f;
          submit.textContent = `Uploading… ${Math.round(f * 100)}%`;
        });
      } else {
        const json: Record<string, unknown> = {
          ...fields,
          captions: captions.checked,
          titleCard: titleCard.checked,
          preview: preview.checked,
        };
        for (const k of ['maxCostUsd', 'approvedUsd', 'bpm'])
          if (json[k] !== undefined) json[k] = Number(json[k]);
        if (/suno\.(com|ai)\/song\//i.test(url)) json.sunoId = url;
        else json.url = url;
        p = await post<Project>('/api/projects', json);
      }
      location.hash = `#/projects/${encodeURIComponent(p.id)}`;
    } catch (err) {
      message.textContent = (err as Error).message;
      submit.disabled = false;
      submit.textContent = 'Make the video';
      progress.classList.add('hidden');
    }
  });
  return form;
}
