import type { Canvas } from '@napi-rs/canvas';
import { type LayerId, type SettingEntry, TIMES, type TimeEntry } from './catalogue.js';
import { css, luma, mix, prng } from './colour.js';
import { vivid } from './ground.js';
import { canvas, type LayerFrame, paintLayer } from './layers.js';
import { type SceneSpec, settingOf } from './spec.js';

/** A pre-rendered band of the scene; it is blitted each frame, shifted by the camera times its depth. */
export interface Layer {
  id?: LayerId;
  canvas: Canvas;
  /** Top of the band in frame pixels, before the camera moves it. */
  y: number;
  /** 0 (at infinity) … 1 (nearest). */
  depth: number;
  /** Lit windows and lamps, drawn over the layer with a brightness that pulses on the beat. */
  glow?: Canvas;
}

/** Everything drawn once per clip. */
export interface Stage {
  W: number;
  H: number;
  /** Extra width each side of a layer, for camera moves. */
  margin: number;
  horizon: number;
  /** Sky, taller than the frame by skyPad at top and bottom so a rise or roll never shows its edge. */
  sky: Canvas;
  skyPad: number;
  /** The sky and far layers mirrored in water or a wet street, below the horizon. */
  reflection?: Canvas;
  /** Soft dots in each accent colour, for lamps and glows. */
  tintDots: Canvas[];
  stars?: Canvas;
  light?: { sprite: Canvas; x: number; y: number };
  clouds?: Canvas;
  layers: Layer[];
  vignette: Canvas;
  /** A soft white dot, tinted by drawing with a colour filter or alpha. */
  glowDot: Canvas;
  time: TimeEntry;
  setting: SettingEntry;
  /** The brightest accent, lightened: what the beat flashes. */
  flash: string;
  /** Colour of the nearest silhouettes. */
  ink: string;
  accents: string[];
  overcast: boolean;
}

function paintSky(s: SceneSpec, st: LayerFrame, tint: string | undefined): Canvas {
  const { W, H, margin, time } = st;
  const pad = Math.ceil(H * 0.1);
  const [c, g] = canvas(W + 2 * margin, H + 2 * pad);
  g.translate(0, pad);
  let [top, mid, low] = time.sky;
  if (tint) [mid, low] = [mix(mid, tint, 0.35), mix(low, tint, 0.45)];
  if (st.overcast)
    [top, mid, low] = [mix(top, '3a3f4a', 0.5), mix(mid, '4a4f5a', 0.55), mix(low, '5a5f6a', 0.5)];
  if (s.setting === 'underwater') [top, mid, low] = ['2aa0c0', '0b5a80', '03182a'];
  if (s.setting === 'space') [top, mid, low] = ['020208', '06061a', '0a0820'];
  const grad = g.createLinearGradient(0, 0, 0, s.setting === 'underwater' ? H : Math.max(1, st.horizon));
  grad.addColorStop(0, css(top));
  grad.addColorStop(0.6, css(mid));
  grad.addColorStop(1, css(low));
  g.fillStyle = grad;
  g.fillRect(0, -pad, W + 2 * margin, H + 2 * pad);
  if (s.setting === 'space') {
    // Nebula clouds: large soft blobs in the accent colours.
    const rand = prng(s.seed ^ 0x51);
    for (let i = 0; i < 5; i++) {
      const x = rand() * (W + 2 * margin);
      const y = rand() * H;
      const r = Math.min(W, H) * (0.3 + rand() * 0.4);
      const neb = g.createRadialGradient(x, y, 1, x, y, r);
      neb.addColorStop(0, css(st.accents[i % st.accents.length] ?? 'd080ff', 0.22));
      neb.addColorStop(1, css('000000', 0));
      g.fillStyle = neb;
      g.fillRect(0, -pad, W + 2 * margin, H + 2 * pad);
    }
  }
  return c;
}

/** The hour lit brighter for a loud shot: a sky washed toward its accent, silhouettes and ground lifted. */
function lifted(time: TimeEntry, lift: number, accent: string | undefined): TimeEntry {
  if (!(lift > 0)) return time;
  const glow = mix(accent ?? 'ff80c0', 'ffffff', 0.2);
  const [top, mid, low] = time.sky;
  return {
    ...time,
    sky: [mix(top, glow, 0.18 * lift), mix(mid, glow, 0.35 * lift), mix(low, glow, 0.5 * lift)],
    ambient: Math.min(1, time.ambient + 0.35 * lift),
    stars: time.stars * (1 - 0.6 * lift),
  };
}

/** Builds every static part of a scene once; frames then only blit and add what moves. */
export function buildStage(s: SceneSpec): Stage {
  const W = s.width;
  const H = s.height;
  const setting = settingOf(s);
  // Older specs have no tint of their own: their prompt's first colour, as before.
  const tint = s.tint ?? (s.matched.some((m) => m.startsWith('colours:')) ? s.accents[0] : undefined);
  const time = lifted(TIMES[s.time], s.lift ?? 0, tint ?? s.accents[0]);
  const rand = prng(s.seed);
  const margin = Math.ceil(W * 0.3);
  const overcast = s.weather.some((w) => w === 'rain' || w === 'snow' || w === 'lightning');
  const horizon = Math.round(H * Math.max(0.35, Math.min(0.8, setting.horizon + s.horizonShift)));
  const st = { W, H, margin, horizon, time, accents: s.accents, overcast };
  const sky = paintSky(s, st, tint);

  let stars: Canvas | undefined;
  const starAmount = s.setting === 'space' ? 1.5 : overcast ? 0 : time.stars;
  if (starAmount > 0 && !setting.skyless) {
    const [c, g] = canvas(W + 2 * margin, horizon);
    const n = Math.round(((W * H) / 2500) * starAmount);
    for (let i = 0; i < n; i++) {
      const r = rand() < 0.08 ? 1.6 : 0.8;
      g.fillStyle = css(rand() < 0.2 ? 'ffe0c0' : 'e8f0ff', 0.4 + rand() * 0.6);
      g.fillRect(rand() * (W + 2 * margin), rand() * horizon, r, r);
    }
    stars = c;
  }

  let light: Stage['light'];
  if (s.setting === 'grid' && !setting.skyless) {
    // The synthwave sun: a big disc on the horizon, yellow to the neon, its lower half cut by bands.
    const r = Math.min(W, H) * 0.3;
    const size = Math.ceil(r * 2.6);
    const [c, g] = canvas(size, size);
    const mid = size / 2;
    const halo = g.createRadialGradient(mid, mid, r * 0.9, mid, mid, size / 2);
    const neon = vivid(s.accents) ?? 'ff2fb0';
    halo.addColorStop(0, css(neon, 0.35));
    halo.addColorStop(1, css(neon, 0));
    g.fillStyle = halo;
    g.fillRect(0, 0, size, size);
    const disc = g.createLinearGradient(0, mid - r, 0, mid + r);
    disc.addColorStop(0, css('ffe86a'));
    disc.addColorStop(0.55, css('ff8a3c'));
    disc.addColorStop(1, css(neon));
    g.fillStyle = disc;
    g.beginPath();
    g.arc(mid, mid, r, 0, Math.PI * 2);
    g.fill();
    g.globalCompositeOperation = 'destination-out';
    for (let k = 0; k < 7; k++) {
      const y = mid + r * (0.05 + k * 0.14);
      g.fillRect(0, y, size, r * (0.02 + k * 0.012));
    }
    g.globalCompositeOperation = 'source-over';
    light = { sprite: c, x: margin + W / 2 - mid, y: horizon - mid - r * 0.6 };
  } else if (!overcast && !setting.skyless && s.setting !== 'space') {
    const r = H * time.light.radius;
    const size = Math.ceil(r * 6);
    const [c, g] = canvas(size, size);
    const glow = g.createRadialGradient(size / 2, size / 2, r * 0.8, size / 2, size / 2, size / 2);
    glow.addColorStop(0, css(time.light.colour, 0.45));
    glow.addColorStop(1, css(time.light.colour, 0));
    g.fillStyle = glow;
    g.fillRect(0, 0, size, size);
    g.fillStyle = css(time.light.colour);
    g.beginPath();
    g.arc(size / 2, size / 2, r, 0, Math.PI * 2);
    g.fill();
    const x = margin + W * (0.25 + rand() * 0.5) - size / 2;
    const y = horizon - horizon * time.light.height - size / 2;
    light = { sprite: c, x, y };
  }

  let clouds: Canvas | undefined;
  if (!setting.skyless && s.setting !== 'space') {
    const [c, g] = canvas(W + 2 * margin, horizon);
    const n = overcast ? 26 : time.ambient > 0.6 ? 9 : 5;
    const cloud = mix(time.sky[2], overcast ? '3a3e48' : 'ffffff', overcast ? 0.6 : 0.45);
    for (let i = 0; i < n; i++) {
      const cx = rand() * (W + 2 * margin);
      const cy = horizon * (overcast ? rand() * 0.8 : 0.1 + rand() * 0.5);
      const rw = W * (0.08 + rand() * 0.12);
      for (let k = 0; k < 5; k++) {
        const bx = cx + (k - 2) * rw * 0.45;
        const by = cy + Math.sin(k * 1.7) * rw * 0.08;
        const rr = rw * (0.35 + rand() * 0.25);
        const puff = g.createRadialGradient(bx, by, 1, bx, by, rr);
        puff.addColorStop(0, css(cloud, overcast ? 0.55 : 0.38));
        puff.addColorStop(1, css(cloud, 0));
        g.fillStyle = puff;
        g.fillRect(bx - rr, by - rr, rr * 2, rr * 2);
      }
    }
    clouds = c;
  }

  if (
    time.lightsOn &&
    [...setting.layers, s.extraLayer].some((l) => l === 'skyline' || l === 'far-skyline')
  ) {
    // The glow a lit city throws on the sky above it, so its skyline reads as a silhouette at night.
    const g = sky.getContext('2d');
    const pad = Math.ceil(H * 0.1);
    const glow = g.createLinearGradient(0, pad + horizon - H * 0.4, 0, pad + horizon);
    const hue = mix(s.accents[0] ?? 'ff9040', 'ff9a50', 0.5);
    glow.addColorStop(0, css(hue, 0));
    glow.addColorStop(1, css(hue, 0.45));
    g.fillStyle = glow;
    g.fillRect(0, pad + horizon - H * 0.4, W + 2 * margin, H * 0.4);
  }
  const layers: Layer[] = setting.layers.map((id) => ({ ...paintLayer(id, s, st, rand), id }));
  if (s.extraLayer && !setting.layers.includes(s.extraLayer))
    layers.unshift({ ...paintLayer(s.extraLayer, s, st, rand), id: s.extraLayer });
  // Far to near, so a borrowed skyline stands in front of the distant mountains, not behind them.
  layers.sort((a, b) => a.depth - b.depth);

  let reflection: Canvas | undefined;
  if (s.ground === 'water' || s.ground === 'street') {
    const depthPx = H - horizon;
    const [c, g] = canvas(W + 2 * margin, depthPx);
    g.globalAlpha = s.ground === 'water' ? 0.38 : 0.32;
    g.translate(0, horizon);
    g.scale(1, -1);
    g.drawImage(sky, 0, -Math.ceil(H * 0.1));
    for (const l of layers)
      if (l.y + l.canvas.height <= horizon + H * 0.03) {
        g.drawImage(l.canvas, 0, l.y);
        if (l.glow) g.drawImage(l.glow, 0, l.y);
      }
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.globalAlpha = 1;
    // Fades into the dark of the near ground.
    g.globalCompositeOperation = 'destination-out';
    const fade = g.createLinearGradient(0, 0, 0, depthPx);
    fade.addColorStop(0, 'rgba(0,0,0,0)');
    fade.addColorStop(1, 'rgba(0,0,0,0.8)');
    g.fillStyle = fade;
    g.fillRect(0, 0, W + 2 * margin, depthPx);
    reflection = c;
  }

  const [vignette, vg] = canvas(W, H);
  const v = vg.createRadialGradient(W / 2, H / 2, Math.min(W, H) * 0.35, W / 2, H / 2, Math.hypot(W, H) / 2);
  v.addColorStop(0, css('000000', 0));
  v.addColorStop(1, css('000000', 0.55));
  vg.fillStyle = v;
  vg.fillRect(0, 0, W, H);

  const dot = 64;
  const [glowDot, dg] = canvas(dot, dot);
  const dgr = dg.createRadialGradient(dot / 2, dot / 2, 0, dot / 2, dot / 2, dot / 2);
  dgr.addColorStop(0, 'rgba(255,255,255,1)');
  dgr.addColorStop(0.25, 'rgba(255,255,255,0.5)');
  dgr.addColorStop(1, 'rgba(255,255,255,0)');
  dg.fillStyle = dgr;
  dg.fillRect(0, 0, dot, dot);

  const tintDots = s.accents.map((a) => {
    const [c, g] = canvas(dot, dot);
    const gr = g.createRadialGradient(dot / 2, dot / 2, 0, dot / 2, dot / 2, dot / 2);
    gr.addColorStop(0, css(mix(a, 'ffffff', 0.5)));
    gr.addColorStop(0.3, css(a, 0.45));
    gr.addColorStop(1, css(a, 0));
    g.fillStyle = gr;
    g.fillRect(0, 0, dot, dot);
    return c;
  });
  const ink = mix('06070b', time.sky[1], 0.15 * time.ambient);
  return {
    W,
    H,
    margin,
    horizon,
    sky,
    skyPad: Math.ceil(H * 0.1),
    ...(reflection ? { reflection } : {}),
    tintDots,
    flash: [...s.accents].sort((a, b) => luma(b) - luma(a))[0] ?? 'ffffff',
    ...(stars ? { stars } : {}),
    ...(light ? { light } : {}),
    ...(clouds ? { clouds } : {}),
    layers,
    vignette,
    glowDot,
    time,
    setting,
    ink,
    accents: s.accents,
    overcast,
  };
}
