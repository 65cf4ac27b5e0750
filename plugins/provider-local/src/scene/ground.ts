import type { SKRSContext2D } from '@napi-rs/canvas';
import { css, hash01, mix } from './colour.js';
import type { Stage } from './paint.js';
import type { SceneSpec } from './spec.js';

/** What one frame knows about time, the camera and the music. */
export interface FrameState {
  t: number;
  /** Frame index. */
  n: number;
  /** 1 on the beat, decaying toward 0 before the next. */
  pulse: number;
  /** Movement speed from the energy. */
  speed: number;
  cam: { cx: number; cy: number; zoom: number; rot: number };
}

/** Horizontal camera shift of something at `depth`, in pixels. */
export function shiftOf(st: Stage, f: FrameState, depth: number): number {
  return -f.cam.cx * depth * st.margin * 0.9;
}

function groundColour(s: SceneSpec, st: Stage): string {
  const base = {
    water: '1d5a96',
    street: '2a2e36',
    road: '3a3428',
    sand: 'c9965a',
    snowfield: 'dfe8f2',
    grid: '0a0614',
    grass: '2f5a2a',
    none: '000000',
  }[s.ground];
  return mix(mix('05060a', base, Math.max(0.25, st.time.ambient)), st.time.sky[2], 0.15);
}

/** Reflected lights: stacks of short dashes that shimmer, for water and wet streets. */
function shimmer(g: SKRSContext2D, st: Stage, f: FrameState, s: SceneSpec, strength: number) {
  const { W, H, horizon } = st;
  const depthRange = H - horizon;
  const cols = Math.round(W / 26);
  for (let i = 0; i < cols; i++) {
    const x0 = hash01(i, s.seed) * (W + 2 * st.margin) - st.margin + shiftOf(st, f, 0.3);
    if (x0 < -20 || x0 > W + 20) continue;
    const hue = st.accents[i % st.accents.length] ?? 'ffd080';
    const a = strength * (0.35 + 0.65 * f.pulse * hash01(i, 7)) * (st.time.lightsOn ? 1 : 0.4);
    g.fillStyle = css(mix(hue, 'ffffff', 0.25), a);
    for (let k = 0; k < 9; k++) {
      const y = horizon + depthRange * ((k + 0.5) / 9) ** 1.6;
      const wob = Math.sin(f.t * (2 + f.speed * 2) + k * 1.3 + i) * (3 + k * 1.5);
      const len = (4 + k * 3) * (0.5 + hash01(i, k));
      g.fillRect(x0 + wob - len / 2, y, len, 1 + k * 0.25);
    }
  }
}

/** The most saturated of the accents: what a neon grid glows in. */
export function vivid(accents: string[]): string | undefined {
  const spread = (h: string) => {
    const c = [0, 2, 4].map((i) => Number.parseInt(h.slice(i, i + 2), 16));
    return Math.max(...c) - Math.min(...c);
  };
  return accents.reduce<string | undefined>(
    (best, a) => (!best || spread(a) > spread(best) ? a : best),
    undefined,
  );
}

/** Draws the ground below the horizon for this frame. */
export function drawGround(g: SKRSContext2D, s: SceneSpec, st: Stage, f: FrameState): void {
  if (s.ground === 'none') return;
  const { W, H, horizon } = st;
  const base = groundColour(s, st);
  const grad = g.createLinearGradient(0, horizon, 0, H);
  grad.addColorStop(0, css(mix(base, st.time.sky[2], 0.35)));
  grad.addColorStop(1, css(mix(base, '000000', 0.45)));
  g.fillStyle = grad;
  g.fillRect(0, horizon, W, H - horizon);
  switch (s.ground) {
    case 'water':
    case 'street': {
      // The sky and the far layers mirrored on a wet surface (painted once, shifted with the camera).
      if (st.reflection) g.drawImage(st.reflection, Math.round(-st.margin + shiftOf(st, f, 0.3)), horizon);
      shimmer(g, st, f, s, s.ground === 'water' ? 0.6 : 0.8);
      if (s.ground === 'water') {
        // The sun or moon's glitter path, then swell lines rolling toward the camera.
        if (st.light) {
          const lx = st.light.x - st.margin + st.light.sprite.width / 2 + shiftOf(st, f, 0.05);
          g.fillStyle = css(st.time.light.colour, 0.35);
          for (let k = 0; k < 40; k++) {
            const p = (k + 0.5) / 40;
            const y = horizon + (H - horizon) * p * p;
            const w = (6 + 60 * p) * (0.4 + hash01(k, f.n >> 2));
            g.fillRect(lx - w / 2 + Math.sin(f.t * 3 + k) * 10 * p, y, w, 1 + 2 * p);
          }
        }
        g.strokeStyle = css(mix(base, 'ffffff', 0.45), 0.5);
        g.lineWidth = 1.5;
        g.beginPath();
        for (let k = 0; k < 10; k++) {
          const p = (k / 10 + f.t * 0.05 * f.speed) % 1;
          const y = horizon + (H - horizon) * p * p;
          for (let xx = -20; xx < W + 20; xx += 40) {
            const off = Math.sin(xx * 0.02 + k + f.t) * 4 * (0.3 + p);
            g.moveTo(xx, y + off);
            g.lineTo(xx + 22 * (0.4 + p), y + off);
          }
        }
        g.stroke();
      }
      if (s.ground === 'street') {
        // Kerb lines converging on the horizon.
        g.strokeStyle = css(mix(base, 'ffffff', 0.2), 0.4);
        g.lineWidth = 2;
        g.beginPath();
        const vx = W / 2 + shiftOf(st, f, 0.2);
        g.moveTo(vx - W * 0.05, horizon);
        g.lineTo(-W * 0.4, H);
        g.moveTo(vx + W * 0.05, horizon);
        g.lineTo(W * 1.4, H);
        g.stroke();
      }
      return;
    }
    case 'road': {
      const vx = W / 2 + shiftOf(st, f, 0.15);
      const roadCol = mix('141418', base, 0.3);
      g.fillStyle = css(roadCol);
      g.beginPath();
      g.moveTo(vx - 2, horizon);
      g.lineTo(vx + 2, horizon);
      g.lineTo(W * 1.15, H);
      g.lineTo(-W * 0.15, H);
      g.fill();
      // Dashes rushing toward the camera: their depth goes 1/z.
      g.fillStyle = css('f0e0a0', 0.85);
      const travel = f.t * (0.6 + f.speed * 1.2);
      for (let k = 0; k < 14; k++) {
        const z = 1 - ((k / 14 + travel) % 1);
        const z2 = z - 0.025;
        if (z2 <= 0.02) continue;
        const y1 = horizon + (H - horizon) * (0.08 / z);
        const y2 = horizon + (H - horizon) * (0.08 / z2);
        if (y1 > H) continue;
        const half1 = ((y1 - horizon) / (H - horizon)) * W * 0.012;
        const half2 = ((Math.min(H, y2) - horizon) / (H - horizon)) * W * 0.012;
        g.beginPath();
        g.moveTo(vx - half1, y1);
        g.lineTo(vx + half1, y1);
        g.lineTo(vx + half2, Math.min(H, y2));
        g.lineTo(vx - half2, Math.min(H, y2));
        g.fill();
      }
      // Lamps along both verges, and oncoming headlights, glowing when it is dark.
      const glow = st.time.lightsOn ? 1 : 0.35;
      for (let k = 0; k < 8; k++) {
        const z = 1 - ((k / 8 + travel * 0.5) % 1);
        const p = 0.06 / z;
        if (p > 1.3) continue;
        const y = horizon + (H - horizon) * p;
        const spread = (y - horizon) / (H - horizon);
        const r = 6 + 70 * spread;
        for (const side of [-1, 1]) {
          const lx = vx + side * W * 0.75 * spread;
          g.globalAlpha = glow * Math.min(1, spread * 4) * (0.7 + 0.3 * f.pulse);
          g.drawImage(st.glowDot, lx - r, y - r * 2.5, r * 2, r * 2);
        }
        // Oncoming cars in the left lane: paired white lights.
        const cz = 1 - ((k / 8 + travel * 0.8 + 0.37) % 1);
        const cp = 0.05 / cz;
        if (k % 3 === 0 && cp < 1.1) {
          const cy = horizon + (H - horizon) * cp;
          const cs = (cy - horizon) / (H - horizon);
          const cxl = vx - W * 0.35 * cs;
          const cr = 4 + 40 * cs;
          g.globalAlpha = Math.min(1, cs * 5);
          g.drawImage(st.glowDot, cxl - cr * 1.6, cy - cr, cr * 2, cr * 2);
          g.drawImage(st.glowDot, cxl - cr * 0.4 + cr * 0.6, cy - cr, cr * 2, cr * 2);
        }
      }
      g.globalAlpha = 1;
      return;
    }
    case 'grid': {
      const neon = vivid(st.accents) ?? 'ff2fb0';
      const vx = W / 2 + shiftOf(st, f, 0.2);
      // A haze of the neon over the floor near the horizon, then the lines twice: a wide soft glow, a bright core.
      const haze = g.createLinearGradient(0, horizon, 0, horizon + (H - horizon) * 0.5);
      haze.addColorStop(0, css(neon, 0.35 + 0.2 * f.pulse));
      haze.addColorStop(1, css(neon, 0));
      g.fillStyle = haze;
      g.fillRect(0, horizon, W, H - horizon);
      const unit = Math.min(W, H) / 360;
      g.beginPath();
      for (let k = -16; k <= 16; k++) {
        g.moveTo(vx + k * W * 0.01, horizon);
        g.lineTo(vx + k * W * 0.18, H);
      }
      const travel = f.t * (0.4 + f.speed * 0.8);
      for (let k = 0; k < 14; k++) {
        const z = 1 - ((k / 14 + travel) % 1);
        const y = horizon + (H - horizon) * (0.05 / z);
        if (y > H) continue;
        g.moveTo(0, y);
        g.lineTo(W, y);
      }
      g.strokeStyle = css(neon, 0.25 + 0.25 * f.pulse);
      g.lineWidth = unit * (6 + 4 * f.pulse);
      g.stroke();
      g.strokeStyle = css(mix(neon, 'ffffff', 0.35), 0.75 + 0.25 * f.pulse);
      g.lineWidth = unit * (1.6 + 1.2 * f.pulse);
      g.stroke();
      // A glow line on the horizon.
      g.fillStyle = css(neon, 0.6);
      g.fillRect(0, horizon - 1, W, 3);
      return;
    }
    case 'sand':
    case 'grass':
    case 'snowfield': {
      // Ripples or tufts that stream past with the camera.
      g.strokeStyle = css(mix(base, s.ground === 'grass' ? '000000' : 'ffffff', 0.25), 0.4);
      g.lineWidth = 1;
      g.beginPath();
      for (let k = 0; k < 12; k++) {
        const p = (k + 0.5) / 12;
        const y = horizon + (H - horizon) * p * p;
        const shift = shiftOf(st, f, 0.3 + p * 0.7);
        for (let xx = -60; xx < W + 60; xx += 60 + k * 10) {
          const xs = ((((xx + shift) % (W + 120)) + (W + 120)) % (W + 120)) - 60;
          g.moveTo(xs, y);
          g.quadraticCurveTo(xs + 15 + k * 2, y - 3 - k * 0.5, xs + 30 + k * 4, y);
        }
      }
      g.stroke();
      return;
    }
  }
}
