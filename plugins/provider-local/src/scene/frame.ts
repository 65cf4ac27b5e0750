import type { SKRSContext2D } from '@napi-rs/canvas';
import { drawSubjects, drawWeather } from './actors.js';
import { css, hash01 } from './colour.js';
import { drawGround, type FrameState, shiftOf } from './ground.js';
import type { Layer, Stage } from './paint.js';
import type { SceneSpec } from './spec.js';

/** A triangle wave through -1…1, so a sweep turns back at the end of its reach instead of jumping. */
function tri(x: number): number {
  const p = (((x + 0.25) % 1) + 1) % 1;
  return p < 0.5 ? 4 * p - 1 : 3 - 4 * p;
}

/**
 * The camera at time t: a normalised pan (cx, cy), a zoom and a small roll, from the shot's camera words.
 * Energy sets how fast it travels: a quiet shot drifts, a loud one sweeps and shakes.
 */
export function cameraAt(s: SceneSpec, t: number, speed: number): FrameState['cam'] {
  const u = s.seconds > 0 ? Math.min(1, t / s.seconds) : 0;
  const rate = 0.03 + 0.5 * s.energy * s.energy; // sweeps per second: a loud shot whips across in a second
  const shake = s.energy > 0.6 ? (s.energy - 0.6) * 0.15 : 0;
  const jx = shake * Math.sin(t * 23.7 + s.seed);
  const jy = shake * Math.sin(t * 19.3 + s.seed * 0.7);
  switch (s.camera) {
    case 'push':
      return { cx: jx + 0.1 * Math.sin(u * 2), cy: jy, zoom: 1 + Math.min(0.35, 0.08 * speed * t), rot: 0 };
    case 'pan':
      return { cx: jx + 0.85 * tri(rate * t - 0.25), cy: jy, zoom: 1.02, rot: 0 };
    case 'track':
      return { cx: jx + tri(rate * 1.3 * t - 0.25), cy: jy, zoom: 1.04, rot: 0 };
    case 'aerial':
      // A loud shot cranes up fast and holds; a calm one rises over the whole clip, so it never stands still.
      return {
        cx: jx + (u - 0.5) * 0.3,
        cy: jy + 1 - (s.energy < 0.5 ? u : Math.min(1, rate * 2 * t)),
        zoom: 1.08 - 0.06 * u,
        rot: 0,
      };
    case 'orbit':
      return { cx: jx + tri(rate * t - 0.25), cy: jy, zoom: 1.06, rot: 0.03 * tri(rate * t) };
    default:
      return { cx: jx + 0.04 * Math.sin(t * 0.4), cy: jy, zoom: 1 + 0.01 * Math.sin(t * 0.3), rot: 0 };
  }
}

/** The beat at the shot's tempo: a sharp rise and an exponential fall; a slow breath without a tempo. */
export function pulseAt(s: SceneSpec, t: number): number {
  if (!s.bpm) return 0.5 + 0.5 * Math.sin(t * 1.5);
  const phase = (t * s.bpm) / 60;
  return Math.exp(-4 * (phase - Math.floor(phase)));
}

export function frameState(s: SceneSpec, n: number): FrameState {
  const t = n / s.fps;
  const speed = 0.4 + 1.2 * s.energy;
  const cam = cameraAt(s, t, speed);
  return {
    t,
    n,
    pulse: pulseAt(s, t) * (0.4 + 0.6 * s.energy),
    speed,
    cam: { ...cam, zoom: cam.zoom * s.framing },
  };
}

/**
 * Sets the transform for something at `depth`: nearer things shift and zoom more. Without zoom or roll the
 * offset is rounded to whole pixels, which lets Skia copy rows instead of resampling them.
 */
function place(g: SKRSContext2D, st: Stage, f: FrameState, depth: number) {
  const z = 1 + (f.cam.zoom - 1) * (0.25 + 0.75 * depth);
  const dx = shiftOf(st, f, depth);
  const dy = f.cam.cy * depth * st.H * 0.15;
  const roll = f.cam.rot * (0.3 + 0.7 * depth);
  if (Math.abs(z - 1) < 0.004 && !roll) {
    g.setTransform(1, 0, 0, 1, Math.round(dx), Math.round(dy));
    return;
  }
  const cx = st.W / 2;
  const cy = st.horizon;
  g.setTransform(1, 0, 0, 1, 0, 0);
  g.translate(cx, cy + dy);
  if (roll) g.rotate(roll);
  g.scale(z, z);
  g.translate(-cx + dx, -cy);
}

/** Far things barely move: whole-pixel shifts only, so they are plain copies. */
function placeFar(g: SKRSContext2D, st: Stage, f: FrameState, depth: number) {
  g.setTransform(1, 0, 0, 1, Math.round(shiftOf(st, f, depth)), Math.round(f.cam.cy * depth * st.H * 0.15));
}

const AFTER_GROUND = new Set(['forest', 'far-forest', 'room', 'seabed']);

function drawLayer(g: SKRSContext2D, st: Stage, f: FrameState, l: Layer) {
  place(g, st, f, l.depth);
  g.drawImage(l.canvas, -st.margin, l.y);
  if (l.glow) {
    g.globalAlpha = st.time.lightsOn ? 0.55 + 0.45 * f.pulse : 0.8;
    g.drawImage(l.glow, -st.margin, l.y);
    g.globalAlpha = 1;
  }
}

/** Draws frame n of a scene onto `g`, which must be opaque and W×H. */
export function drawFrame(g: SKRSContext2D, s: SceneSpec, st: Stage, n: number): void {
  const f = frameState(s, n);
  // The sky overdraws the frame a little so roll and zoom never show an edge.
  placeFar(g, st, f, 0.04);
  g.drawImage(st.sky, -st.margin, -st.skyPad);
  if (st.stars) {
    g.globalAlpha = 0.75 + 0.25 * f.pulse;
    g.drawImage(st.stars, -st.margin, 0);
    g.globalAlpha = 1;
  }
  if (st.light) {
    placeFar(g, st, f, 0.05);
    g.drawImage(st.light.sprite, st.light.x - st.margin, st.light.y);
  }
  if (st.clouds) {
    placeFar(g, st, f, 0.08);
    const drift = Math.round(f.t * st.W * 0.01 * (s.weather.includes('wind') ? 4 : 1)) % st.W;
    g.drawImage(st.clouds, -st.margin + drift, 0);
    if (drift > 0) g.drawImage(st.clouds, -st.margin + drift - st.clouds.width, 0);
  }
  const ground = s.ground !== 'none';
  for (const l of st.layers) if (!AFTER_GROUND.has(l.id ?? '')) drawLayer(g, st, f, l);
  if (ground) {
    g.setTransform(1, 0, 0, 1, 0, 0);
    drawGround(g, s, st, f);
  }
  for (const l of st.layers) if (AFTER_GROUND.has(l.id ?? '')) drawLayer(g, st, f, l);
  g.setTransform(1, 0, 0, 1, 0, 0);
  if (s.setting === 'underwater') underwater(g, s, st, f);
  if (s.setting === 'room') neon(g, st, f);
  drawSubjects(g, s, st, f);
  if (st.time.lightsOn && (s.shot === 'close' || s.shot === 'detail')) bokeh(g, s, st, f);
  drawWeather(g, s, st, f);
  if (s.energy > 0.5) {
    // Loud music swells the light once a beat: a smooth wave, not a flash, because the clip's beat phase is
    // only a guess (the request carries the tempo, not where the song's beats fall) and a hard flash off the
    // song's beat reads as a cut.
    const phase = ((f.t * (s.bpm || 100)) / 60) % 1;
    g.globalCompositeOperation = 'lighter';
    g.fillStyle = css(st.flash, (s.energy - 0.5) * 0.3 * (0.5 + 0.5 * Math.cos(2 * Math.PI * phase)));
    g.fillRect(0, 0, st.W, st.H);
    g.globalCompositeOperation = 'source-over';
  }
  g.drawImage(st.vignette, 0, 0);
}

/** Light rays swaying down from the surface, and bubbles rising. */
function underwater(g: SKRSContext2D, s: SceneSpec, st: Stage, f: FrameState) {
  const { W, H } = st;
  g.fillStyle = 'rgba(200,240,255,0.07)';
  for (let k = 0; k < 6; k++) {
    const x = W * (0.1 + k * 0.17) + Math.sin(f.t * 0.6 + k) * W * 0.03;
    g.beginPath();
    g.moveTo(x - W * 0.02, 0);
    g.lineTo(x + W * 0.03, 0);
    g.lineTo(x + W * 0.12, H);
    g.lineTo(x - W * 0.06, H);
    g.fill();
  }
  g.strokeStyle = 'rgba(220,250,255,0.6)';
  g.lineWidth = 1.2;
  g.beginPath();
  for (let i = 0; i < 40; i++) {
    const r = 2 + (6 * ((i * 37) % 10)) / 10;
    const y = H - ((f.t * H * 0.12 * (0.6 + f.speed * 0.5) + ((i * 97) % H)) % (H + 20));
    const x = ((i * 131) % W) + Math.sin(f.t * 2 + i) * 6;
    g.moveTo(x + r, y);
    g.arc(x, y, r, 0, Math.PI * 2);
  }
  g.stroke();
  void s;
}

/** Neon tubes on the walls of a room, pulsing on the beat. */
function neon(g: SKRSContext2D, st: Stage, f: FrameState) {
  const { W, H } = st;
  const u = Math.min(W, H);
  st.accents.slice(0, 2).forEach((c, k) => {
    const y = H * (0.2 + k * 0.12);
    const x0 = W * (0.06 + k * 0.05) + shiftOf(st, f, 0.9);
    const len = W * 0.35;
    const [r, gr, b] = [
      Number.parseInt(c.slice(0, 2), 16),
      Number.parseInt(c.slice(2, 4), 16),
      Number.parseInt(c.slice(4, 6), 16),
    ];
    g.fillStyle = `rgba(${r},${gr},${b},${(0.12 + 0.25 * f.pulse).toFixed(3)})`;
    g.fillRect(x0 - u * 0.03, y - u * 0.03, len + u * 0.06, u * 0.06);
    g.fillStyle = `rgba(${Math.min(255, r + 80)},${Math.min(255, gr + 80)},${Math.min(255, b + 80)},${(0.7 + 0.3 * f.pulse).toFixed(3)})`;
    g.fillRect(x0, y - u * 0.006, len, u * 0.012);
  });
}

/** Out-of-focus lights in front of a close or detail shot, in the accent colours: a long lens after dark. */
function bokeh(g: SKRSContext2D, s: SceneSpec, st: Stage, f: FrameState) {
  const u = Math.min(st.W, st.H);
  for (let i = 0; i < 14; i++) {
    const r = u * (0.08 + 0.12 * hash01(i, s.seed + 81));
    const x = hash01(i, s.seed + 82) * (st.W + 2 * st.margin) - st.margin + shiftOf(st, f, 1);
    const y = st.H * (0.15 + 0.8 * hash01(i, s.seed + 83));
    g.globalAlpha = 0.4 + 0.3 * f.pulse * hash01(i, 84);
    g.drawImage(st.tintDots[i % st.tintDots.length] ?? st.glowDot, x - r, y - r, r * 2, r * 2);
  }
  g.globalAlpha = 1;
}
