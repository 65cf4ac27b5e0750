import { type EtaTable, get, type ProjectDetail, type Stage } from './api.js';
import { duration, fill, h, STAGE_LABELS, statusOf } from './dom.js';

let eta: EtaTable | undefined;
/** This machine's past stage durations, fetched once per page load. */
export async function loadEta(): Promise<void> {
  eta ??= await get<EtaTable>('/api/studio/eta').catch(() => ({ stages: {} }));
}

/** Seconds a stage is expected to take for this song, from past runs here (undefined when never measured). */
function expected(stage: string, songSec: number): number | undefined {
  const e = eta?.stages[stage];
  return e?.samples ? e.secPerSongSec * songSec : undefined;
}

function elapsed(s: Stage): number {
  if (!s.startedAt) return 0;
  const end = s.finishedAt && s.status !== 'running' ? Date.parse(s.finishedAt) : Date.now();
  return Math.max(0, (end - Date.parse(s.startedAt)) / 1000);
}

/** Overall progress (weighted by expected durations where known) and the time left. */
export function overall(p: ProjectDetail): { fraction: number; leftSec?: number } {
  const song = p.song?.durationSec ?? 60;
  let total = 0;
  let done = 0;
  let left = 0;
  let known = true;
  for (const s of p.stages) {
    const w = expected(s.name, song) ?? 1;
    if (expected(s.name, song) === undefined && s.status !== 'done' && s.status !== 'skipped') known = false;
    total += w;
    const f = s.status === 'done' || s.status === 'skipped' ? 1 : s.status === 'running' ? s.progress : 0;
    done += w * f;
    if (s.status === 'pending') left += w;
    if (s.status === 'running') left += Math.max(w * (1 - s.progress), w - elapsed(s));
  }
  return { fraction: total ? done / total : 0, ...(known ? { leftSec: left } : {}) };
}

/** The stage list as progress bars with elapsed time, an ETA and (while rendering) frames done. */
export function renderStages(box: HTMLElement, p: ProjectDetail): void {
  const fps = 30;
  const song = p.song?.durationSec ?? 0;
  const all = overall(p);
  const working = p.status === 'queued' || p.status === 'running';
  // After a regenerate the later stages run again; a pending stage that has run before means this is not
  // the first run, and the project's first start would overstate the time spent on this one.
  const rerun = p.stages.some((s) => s.status === 'pending' && s.startedAt);
  const started = rerun ? undefined : p.stages.find((s) => s.startedAt)?.startedAt;
  const pct = Math.round(all.fraction * 100);
  fill(
    box,
    h(
      'div',
      { class: 'overall' },
      h(
        'div',
        {
          class: 'bar big',
          role: 'progressbar',
          'aria-label': 'Overall progress',
          'aria-valuemin': 0,
          'aria-valuemax': 100,
          'aria-valuenow': pct,
        },
        h('span', { class: 'bar-fill', style: `width:${pct}%` }),
      ),
      h(
        'p',
        { class: 'small', id: 'eta' },
        working
          ? [
              `${pct}% done`,
              started ? `${duration((Date.now() - Date.parse(started)) / 1000)} so far` : '',
              all.leftSec !== undefined
                ? `about ${duration(all.leftSec)} left (from this machine’s past runs)`
                : 'no estimate yet: the first run here is measured',
            ]
              .filter(Boolean)
              .join(' · ')
          : statusOf(p) === 'done'
            ? 'Finished.'
            : '',
      ),
    ),
    h(
      'ol',
      { class: 'stages', id: 'stages' },
      ...p.stages.map((s) => {
        const f = Math.round((s.status === 'done' ? 1 : s.progress) * 100);
        const label = STAGE_LABELS[s.name] ?? s.name;
        const extra =
          s.status === 'running'
            ? [
                `${f}%`,
                duration(elapsed(s)),
                s.name === 'render' && song
                  ? `frame ${Math.round(s.progress * song * fps)} of ${Math.round(song * fps)}`
                  : '',
              ]
                .filter(Boolean)
                .join(' · ')
            : s.status === 'done'
              ? `done${s.startedAt && s.finishedAt ? ` in ${duration(elapsed(s))}` : ''}`
              : s.status;
        return h(
          'li',
          { class: `stage stage-${s.status}`, 'data-stage': s.name },
          h('span', { class: 'stage-name' }, label),
          h(
            'span',
            {
              class: 'bar',
              role: 'progressbar',
              'aria-label': label,
              'aria-valuemin': 0,
              'aria-valuemax': 100,
              'aria-valuenow': f,
            },
            h('span', { class: 'bar-fill', style: `width:${f}%` }),
          ),
          h('span', { class: 'stage-status' }, extra),
          s.error ? h('span', { class: 'stage-error' }, s.error) : null,
        );
      }),
    ),
  );
  document.title = working
    ? `${pct}% · ${p.name} — beatframe`
    : `${statusOf(p) === 'done' ? '✓ ' : ''}${p.name} — beatframe`;
}

/** Says "done" when a project the page watched finishes: the announcer, and a notification if allowed. */
export function announceDone(p: ProjectDetail, announcer: HTMLElement): void {
  const text =
    p.status === 'done' ? `${p.name}: the video is ready.` : `${p.name} stopped: ${p.reason ?? p.status}`;
  announcer.textContent = text;
  if ('Notification' in window && Notification.permission === 'granted' && document.hidden)
    new Notification('beatframe', { body: text });
}

/** Asks for notification permission once, from a click (browsers ignore it otherwise). */
export function notifyButton(): HTMLElement | null {
  if (!('Notification' in window) || Notification.permission !== 'default') return null;
  const b = h('button', { type: 'button', class: 'small-button' }, 'Notify me when it is done');
  b.addEventListener('click', () => void Notification.requestPermission().then(() => b.remove()));
  return b;
}
