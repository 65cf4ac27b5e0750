import { type Canvas, createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import type { LayerId, TimeEntry } from './catalogue.js';
import { css, mix } from './colour.js';
import type { Layer } from './paint.js';
import type { SceneSpec } from './spec.js';

/** What the layer painters need to know about the frame. */
export interface LayerFrame {
  W: number;
  H: number;
  margin: number;
  horizon: number;
  time: TimeEntry;
  accents: string[];
  overcast: boolean;
}

const LAYER_BASE: Record<LayerId, { colour: string; depth: number }> = {
  'far-skyline': { colour: '3a4660', depth: 0.25 },
  skyline: { colour: '1e2434', depth: 0.55 },
  'far-mountains': { colour: '5a6f95', depth: 0.1 },
  mountains: { colour: '4d5d78', depth: 0.3 },
  hills: { colour: '2f5a3a', depth: 0.6 },
  'far-forest': { colour: '24503a', depth: 0.4 },
  forest: { colour: '123322', depth: 0.75 },
  dunes: { colour: 'c98a4a', depth: 0.55 },
  planets: { colour: 'c07040', depth: 0.2 },
  room: { colour: '2a2230', depth: 0.9 },
  seabed: { colour: '0b3a4a', depth: 0.6 },
  'shore-lights': { colour: '1a2030', depth: 0.3 },
};

export function canvas(w: number, h: number): [Canvas, SKRSContext2D] {
  const c = createCanvas(Math.max(1, Math.ceil(w)), Math.max(1, Math.ceil(h)));
  return [c, c.getContext('2d')];
}

/** A silhouette's colour: its daylight colour darkened by the hour and hazed toward the horizon by distance. */
function tone(base: string, depth: number, time: TimeEntry, overcast: boolean): string {
  const lit = mix('07080d', base, time.ambient * (overcast ? 0.7 : 1));
  return mix(lit, time.sky[2], (1 - depth) * 0.55);
}

/** A jagged ridge line across the band, filled down to its bottom. */
function ridge(g: SKRSContext2D, w: number, h: number, top: number, rough: number, rand: () => number) {
  g.beginPath();
  g.moveTo(0, h);
  let y = top + rand() * rough;
  for (let x = 0; x <= w; x += w / 24) {
    y = Math.max(0, Math.min(h * 0.9, y + (rand() - 0.5) * rough * 1.4));
    g.lineTo(x, y);
  }
  g.lineTo(w, h);
  g.closePath();
  g.fill();
}

export function paintLayer(id: LayerId, s: SceneSpec, st: LayerFrame, rand: () => number): Layer {
  const { W, H, margin, horizon, time } = st;
  const base = LAYER_BASE[id];
  const colour = tone(base.colour, base.depth, time, st.overcast);
  const w = W + 2 * margin;
  const u = Math.min(W, H); // a unit that keeps shapes in proportion at 16:9, 9:16 and 1:1
  const lit = time.lightsOn;
  switch (id) {
    case 'skyline':
    case 'far-skyline': {
      const far = id === 'far-skyline';
      const tall = H * (far ? 0.32 : 0.5);
      const [c, g] = canvas(w, tall + 4);
      const [gc, gg] = canvas(w, tall + 4);
      g.fillStyle = css(colour);
      let x = -rand() * u * 0.05;
      while (x < w) {
        const bw = u * (far ? 0.04 + rand() * 0.05 : 0.06 + rand() * 0.08);
        const bh = tall * (0.35 + rand() * 0.65);
        const top = tall + 4 - bh;
        g.fillRect(x, top, bw, bh);
        if (rand() < 0.3) g.fillRect(x + bw * 0.4, top - bh * 0.12, bw * 0.08, bh * 0.12); // an antenna
        // Windows: a grid of small rectangles, a share of them lit.
        const ww = Math.max(1, bw / (far ? 9 : 7));
        const wh = Math.max(1, ww * 1.3);
        const share = lit ? 0.45 : 0.12;
        for (let wy = top + wh; wy < tall - wh; wy += wh * 2.2)
          for (let wx = x + ww; wx < x + bw - ww; wx += ww * 2) {
            if (rand() > share) continue;
            const hue = rand() < 0.15 ? (st.accents[1] ?? 'ffd080') : rand() < 0.6 ? 'ffd890' : 'bfe4ff';
            gg.fillStyle = css(lit ? hue : mix(hue, colour, 0.6), lit ? 0.95 : 0.5);
            gg.fillRect(wx, wy, ww, wh);
          }
        x += bw + u * (far ? 0.002 : 0.01) * rand();
      }
      return { canvas: c, glow: gc, y: horizon - tall - 4 + (far ? 0 : H * 0.02), depth: base.depth };
    }
    case 'far-mountains':
    case 'mountains': {
      const tall = H * (id === 'mountains' ? 0.42 : 0.3);
      const [c, g] = canvas(w, tall);
      g.fillStyle = css(colour);
      ridge(g, w, tall, tall * 0.15, tall * 0.35, rand);
      if (id === 'mountains' && time.ambient > 0.4) {
        // Snow caps: the ridge again, clipped to its upper part, in white.
        g.globalCompositeOperation = 'source-atop';
        const cap = g.createLinearGradient(0, 0, 0, tall * 0.6);
        cap.addColorStop(0, css(mix('ffffff', time.sky[2], 0.2), 0.9));
        cap.addColorStop(1, css('ffffff', 0));
        g.fillStyle = cap;
        g.fillRect(0, 0, w, tall * 0.6);
        g.globalCompositeOperation = 'source-over';
      }
      return { canvas: c, y: horizon - tall + 2, depth: base.depth };
    }
    case 'hills':
    case 'dunes': {
      const tall = H * 0.16;
      const [c, g] = canvas(w, tall + H * 0.12);
      g.fillStyle = css(colour);
      g.beginPath();
      g.moveTo(0, tall + H * 0.12);
      for (let x = 0; x <= w; x += w / 60) {
        const y =
          tall * (0.45 + 0.3 * Math.sin(x / (u * 0.35) + rand() * 0.2) + 0.15 * Math.sin(x / (u * 0.13)));
        g.lineTo(x, y);
      }
      g.lineTo(w, tall + H * 0.12);
      g.fill();
      if (id === 'dunes') {
        const shade = g.createLinearGradient(0, 0, 0, tall + H * 0.4);
        shade.addColorStop(0, css(mix(colour, 'ffffff', 0.25), 0.5));
        shade.addColorStop(1, css(mix(colour, '000000', 0.5), 0.6));
        g.globalCompositeOperation = 'source-atop';
        g.fillStyle = shade;
        g.fillRect(0, 0, w, tall + H * 0.12);
        g.globalCompositeOperation = 'source-over';
      }
      return { canvas: c, y: horizon - tall * 0.6, depth: base.depth };
    }
    case 'far-forest':
    case 'forest': {
      const near = id === 'forest';
      const tall = H * (near ? 0.55 : 0.3);
      const [c, g] = canvas(w, tall + H * 0.5);
      g.fillStyle = css(
        s.ground === 'snowfield' ? mix('0c1018', 'c8d4e8', 0.25 + 0.6 * time.ambient) : colour,
      );
      g.fillRect(0, tall - 2, w, H * 0.5 + 2);
      g.fillStyle = css(colour);
      const n = Math.ceil(w / (u * (near ? 0.06 : 0.03)));
      for (let i = 0; i < n; i++) {
        const x = (i + rand() * 0.8) * (w / n);
        const th = tall * (near ? 0.45 + rand() * 0.55 : 0.4 + rand() * 0.6);
        const tw = th * (0.22 + rand() * 0.1);
        // A pine: three stacked triangles and a trunk.
        for (let k = 0; k < 3; k++) {
          const top = tall - th + (th * k) / 4;
          const half = (tw / 2) * (0.6 + k * 0.25);
          g.beginPath();
          g.moveTo(x, top);
          g.lineTo(x - half, top + th * 0.45);
          g.lineTo(x + half, top + th * 0.45);
          g.fill();
        }
        g.fillRect(x - tw * 0.06, tall - th * 0.15, tw * 0.12, th * 0.15);
      }
      return { canvas: c, y: horizon - tall + 2, depth: base.depth };
    }
    case 'shore-lights': {
      // A low promenade along the far shore, its lamps glowing.
      const tall = H * 0.05;
      const [c, g] = canvas(w, tall);
      const [gc, gg] = canvas(w, tall);
      g.fillStyle = css(colour);
      g.fillRect(0, tall * 0.55, w, tall * 0.45);
      for (let x = rand() * 20; x < w; x += u * (0.02 + rand() * 0.03)) {
        const hue = st.accents[Math.floor(rand() * st.accents.length)] ?? 'ffd080';
        gg.fillStyle = css(mix(hue, 'ffffff', 0.3), lit ? 0.95 : 0.35);
        gg.fillRect(x, tall * 0.35, Math.max(1, u * 0.004), Math.max(1, u * 0.004));
      }
      return { canvas: c, glow: gc, y: horizon - tall * 0.6, depth: base.depth };
    }
    case 'planets': {
      const [c, g] = canvas(w, H);
      const r = u * 0.22;
      const cx = w * (0.3 + rand() * 0.4);
      const cy = H * (0.35 + rand() * 0.2);
      const a = st.accents[0] ?? 'ff9a60';
      const body = g.createRadialGradient(cx - r * 0.4, cy - r * 0.4, r * 0.1, cx, cy, r);
      body.addColorStop(0, css(mix(a, 'ffffff', 0.35)));
      body.addColorStop(0.7, css(a));
      body.addColorStop(1, css(mix(a, '000000', 0.8)));
      g.strokeStyle = css(mix(a, 'ffffff', 0.5), 0.7);
      g.lineWidth = u * 0.012;
      g.beginPath();
      g.ellipse(cx, cy, r * 1.9, r * 0.42, -0.3, Math.PI, Math.PI * 2);
      g.stroke();
      g.fillStyle = body;
      g.beginPath();
      g.arc(cx, cy, r, 0, Math.PI * 2);
      g.fill();
      g.beginPath();
      g.ellipse(cx, cy, r * 1.9, r * 0.42, -0.3, 0, Math.PI);
      g.stroke();
      const b = st.accents[1] ?? '8ab4ff';
      const mr = u * 0.06;
      const mx = cx + (rand() < 0.5 ? -1 : 1) * w * 0.28;
      const my = H * (0.2 + rand() * 0.5);
      const moon = g.createRadialGradient(mx - mr * 0.3, my - mr * 0.3, 1, mx, my, mr);
      moon.addColorStop(0, css(mix(b, 'ffffff', 0.4)));
      moon.addColorStop(1, css(mix(b, '000000', 0.7)));
      g.fillStyle = moon;
      g.beginPath();
      g.arc(mx, my, mr, 0, Math.PI * 2);
      g.fill();
      return { canvas: c, y: 0, depth: base.depth };
    }
    case 'seabed': {
      const tall = H * 0.3;
      const [c, g] = canvas(w, tall);
      g.fillStyle = css(mix('04121a', st.accents[1] ?? '40a0ff', 0.1));
      ridge(g, w, tall, tall * 0.45, tall * 0.3, rand);
      // Kelp: tall wavy strokes.
      g.strokeStyle = css('1f6b4a');
      g.lineWidth = u * 0.014;
      for (let i = 0; i < 14; i++) {
        const x = rand() * w;
        const hgt = tall * (0.5 + rand() * 0.9);
        g.beginPath();
        g.moveTo(x, tall);
        for (let k = 1; k <= 8; k++) g.lineTo(x + Math.sin(k + i) * u * 0.02, tall - (hgt * k) / 8);
        g.stroke();
      }
      return { canvas: c, y: H - tall, depth: base.depth };
    }
    case 'room': {
      // A wall with a window cut out (the sky shows through), a floor, and light falling in.
      const [c, g] = canvas(w, H);
      const wall = mix(tone(base.colour, 1, time, false), st.accents[0] ?? '2a2230', 0.12);
      g.fillStyle = css(wall);
      g.fillRect(0, 0, w, H);
      const wx = margin + W * 0.56;
      const ww = Math.min(W * 0.3, H * 0.5);
      const wy = H * 0.14;
      const wh = H * 0.42;
      g.clearRect(wx, wy, ww, wh);
      g.fillStyle = css(mix(wall, '000000', 0.5));
      g.fillRect(wx - u * 0.012, wy - u * 0.012, ww + u * 0.024, u * 0.012);
      g.fillRect(wx - u * 0.012, wy + wh, ww + u * 0.024, u * 0.018);
      g.fillRect(wx + ww / 2 - u * 0.005, wy, u * 0.01, wh);
      g.fillRect(wx, wy + wh / 2 - u * 0.005, ww, u * 0.01);
      const floor = g.createLinearGradient(0, H * 0.72, 0, H);
      floor.addColorStop(0, css(mix(wall, '000000', 0.45)));
      floor.addColorStop(1, css(mix(wall, '000000', 0.7)));
      g.fillStyle = floor;
      g.fillRect(0, H * 0.72, w, H * 0.28);
      // The window's light on the floor.
      const beam = mix(time.sky[2], 'ffffff', 0.3);
      g.fillStyle = css(beam, 0.12 + 0.1 * time.ambient);
      g.beginPath();
      g.moveTo(wx, wy + wh);
      g.lineTo(wx + ww, wy + wh);
      g.lineTo(wx + ww * 0.6, H);
      g.lineTo(wx - ww * 0.9, H);
      g.fill();
      return { canvas: c, y: 0, depth: base.depth };
    }
  }
}
