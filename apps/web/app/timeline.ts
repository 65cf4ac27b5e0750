import { get, type TimelineView } from './api.js';
import { fill, h, seconds } from './dom.js';

/**
 * The timeline under the player: the song's waveform with section labels and beat ticks, and the shots as
 * blocks on it. Clicking a block seeks the video there and opens that shot's card.
 */
export function createTimeline(
  base: string,
  video: HTMLVideoElement,
  openShot: (shotId: string) => void,
  onView: (view: TimelineView) => void = () => {},
) {
  const root = h(
    'section',
    { class: 'card timeline-card', 'aria-labelledby': 'h-timeline' },
    h('h2', { id: 'h-timeline' }, 'Timeline'),
  );
  const body = h(
    'div',
    { class: 'timeline', id: 'timeline' },
    h('p', { class: 'muted' }, 'The timeline appears once the song is read.'),
  );
  root.append(body);
  let key = '';
  let view: TimelineView | undefined;
  const head = h('div', { class: 'playhead', 'aria-hidden': 'true' });
  video.addEventListener('timeupdate', () => {
    if (view) head.style.left = `${(video.currentTime / view.durationSec) * 100}%`;
  });

  const draw = (t: TimelineView) => {
    const canvas = h('canvas', { class: 'wave', width: 1200, height: 80, 'aria-hidden': 'true' });
    const g = canvas.getContext('2d');
    if (g) {
      const styles = getComputedStyle(document.documentElement);
      g.fillStyle = styles.getPropertyValue('--wave').trim() || '#5b6180';
      const n = t.peaks.length || 1;
      const w = canvas.width / n;
      // Scaled to the loudest moment, so a quiet master still shows its shape.
      const top = Math.max(0.001, ...t.peaks);
      t.peaks.forEach((p, i) => {
        const hgt = Math.max(1, (p / top) * canvas.height * 0.9);
        g.fillRect(i * w, (canvas.height - hgt) / 2, Math.max(1, w - 0.5), hgt);
      });
      // Beat ticks along the bottom; downbeats taller.
      const down = new Set(t.downbeats.map((d) => d.toFixed(2)));
      g.fillStyle = styles.getPropertyValue('--tick').trim() || '#c9ccd9';
      for (const b of t.beats) {
        const x = (b / t.durationSec) * canvas.width;
        const tall = down.has(b.toFixed(2)) ? 14 : 7;
        g.fillRect(x, canvas.height - tall, 1.5, tall);
      }
    }
    const sections = h(
      'div',
      { class: 'sections' },
      ...t.sections.map((s) =>
        h(
          'span',
          {
            class: `section section-${s.label}`,
            style: `left:${(s.start / t.durationSec) * 100}%;width:${((s.end - s.start) / t.durationSec) * 100}%`,
          },
          s.label,
        ),
      ),
    );
    const blocks = h(
      'div',
      { class: 'blocks', role: 'group', 'aria-label': 'Shots on the song' },
      ...t.shots.map((s) =>
        h(
          'button',
          {
            type: 'button',
            class: 'block',
            'data-shot': s.shotId,
            style: `left:${(s.start / t.durationSec) * 100}%;width:${((s.end - s.start) / t.durationSec) * 100}%`,
            'aria-label': `Shot ${s.index + 1}, ${seconds(s.start)} to ${seconds(s.end)}: play from here and open it`,
            onclick: () => {
              video.currentTime = s.start + 0.01;
              openShot(s.shotId);
            },
          },
          String(s.index + 1),
        ),
      ),
    );
    fill(
      body,
      h('div', { class: 'track' }, sections, canvas, blocks, head),
      h(
        'p',
        { class: 'muted small', id: 'timeline-summary', ...(t.cutGrid ? { title: t.cutGrid.why } : {}) },
        `${t.bpm && t.cutGrid?.level !== 'phrase' ? `${Math.round(t.bpm)} BPM · ` : ''}${gridText(t)} · ${t.shots.length} cuts${t.fromCut ? '' : ' as planned'} · click a shot to play from it`,
      ),
    );
  };

  const update = async (stamp: string) => {
    if (stamp === key) return;
    key = stamp;
    try {
      view = await get<TimelineView>(`${base}/timeline`);
      draw(view);
      onView(view);
    } catch {
      // not there yet (the song is still being read)
    }
  };
  return { root, update };
}

/** What the ticks are: the grid the editor cuts on, in words (the analysis' reasons in the tooltip). */
function gridText(t: TimelineView): string {
  if (t.cutGrid?.level === 'phrase') return `no steady beat: cuts on the music's ${t.beats.length} changes`;
  if (t.cutGrid?.level === 'shared')
    return `cuts on every other beat (${t.beats.length}): half the tempo is as likely`;
  return `${t.beats.length} beats`;
}
