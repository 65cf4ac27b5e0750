import type { SKRSContext2D } from '@napi-rs/canvas';
import type { SubjectId } from './catalogue.js';
import { css, hash01, mix } from './colour.js';
import { type FrameState, shiftOf } from './ground.js';
import type { Stage } from './paint.js';
import type { SceneSpec } from './spec.js';

/** Where the near ground is, for feet and hulls; settings without ground stand things near the bottom. */
function footY(s: SceneSpec, st: Stage, p: number): number {
  if (s.ground === 'none') return st.H * (0.82 + 0.1 * p);
  return st.horizon + (st.H - st.horizon) * p;
}

/** A standing person: head, body and legs; `arms` and `legs` swing in radians for a dancer. */
function person(g: SKRSContext2D, x: number, feet: number, h: number, arms: number, legs: number) {
  const head = h * 0.075;
  const shoulder = feet - h * 0.8;
  const hip = feet - h * 0.45;
  g.beginPath();
  g.arc(x, shoulder - head * 1.3, head, 0, Math.PI * 2);
  g.fill();
  g.lineCap = 'round';
  g.lineWidth = h * 0.11;
  g.beginPath();
  g.moveTo(x, shoulder);
  g.lineTo(x, hip);
  g.stroke();
  g.lineWidth = h * 0.06;
  g.beginPath();
  for (const side of [-1, 1]) {
    g.moveTo(x, shoulder + h * 0.02);
    g.lineTo(
      x + side * Math.sin(0.3 + arms * side) * h * 0.32,
      shoulder + Math.cos(0.3 + arms * side) * h * 0.32,
    );
    g.moveTo(x, hip);
    g.lineTo(x + side * Math.sin(0.12 + legs) * h * 0.45, feet);
  }
  g.stroke();
}

function drawSubject(g: SKRSContext2D, id: SubjectId, s: SceneSpec, st: Stage, f: FrameState, slot: number) {
  const { W, H } = st;
  // A close or low shot draws its subject bigger (SHOT_KINDS); specs from before shot kinds have no scale.
  const u = Math.min(W, H) * (s.subjectScale ?? 1);
  const lit = st.time.lightsOn;
  g.fillStyle = css(st.ink);
  g.strokeStyle = css(st.ink);
  switch (id) {
    case 'figure':
    case 'dancer': {
      const dancer = id === 'dancer';
      const h = u * (dancer ? 0.5 : 0.34);
      const x = W * (dancer ? 0.5 : slot ? 0.3 : 0.66) + shiftOf(st, f, 0.8);
      const feet = footY(s, st, dancer ? 0.85 : 0.7);
      const beat = Math.sin(f.t * Math.PI * ((s.bpm || 100) / 60));
      if (dancer) {
        // A rim of accent light behind the dancer, brightest on the beat.
        const r = h * 0.9;
        g.globalAlpha = 0.45 + 0.55 * f.pulse;
        g.drawImage(st.tintDots[0] ?? st.glowDot, x - r, feet - h * 0.55 - r, r * 2, r * 2);
        g.globalAlpha = 1;
      }
      person(g, x, feet, h, dancer ? 1.2 + 1.4 * beat : 0.05, dancer ? 0.25 * beat : 0.05);
      if (s.weather.includes('rain') && !dancer && s.setting !== 'room') {
        // An umbrella over a figure in the rain.
        g.beginPath();
        g.arc(x, feet - h * 1.02, h * 0.28, Math.PI, 0);
        g.fill();
        g.lineWidth = h * 0.015;
        g.beginPath();
        g.moveTo(x, feet - h * 1.02);
        g.lineTo(x, feet - h * 0.72);
        g.stroke();
      }
      return;
    }
    case 'car': {
      if (s.ground === 'road') {
        // From behind, in our lane, tail lights glowing.
        const cw = u * 0.32;
        const ch = cw * 0.42;
        const x = W / 2 + W * 0.1 + Math.sin(f.t * 0.7) * u * 0.01;
        const y = H * 0.93 - ch;
        // A shade lighter than the road, with a lit rim from the sky, so it reads against the asphalt.
        g.fillStyle = css(mix(st.ink, st.time.sky[2], 0.3));
        g.beginPath();
        g.moveTo(x - cw / 2, y + ch);
        g.lineTo(x - cw / 2, y + ch * 0.45);
        g.lineTo(x - cw * 0.32, y);
        g.lineTo(x + cw * 0.32, y);
        g.lineTo(x + cw / 2, y + ch * 0.45);
        g.lineTo(x + cw / 2, y + ch);
        g.fill();
        const r = ch * 0.45;
        g.globalAlpha = (lit ? 0.9 : 0.6) * (0.75 + 0.25 * f.pulse);
        for (const side of [-1, 1]) {
          g.fillStyle = css('ff2030');
          g.fillRect(x + side * cw * 0.36 - cw * 0.08, y + ch * 0.5, cw * 0.16, ch * 0.14);
          g.drawImage(st.glowDot, x + side * cw * 0.36 - r, y + ch * 0.57 - r, r * 2, r * 2);
        }
        g.globalAlpha = 1;
        return;
      }
      // Side on, crossing a coastal road in the foreground.
      const band = H * 0.9;
      g.fillStyle = css(mix(st.ink, '202028', 0.3));
      g.fillRect(0, band, W, H - band);
      g.fillStyle = css(mix('c0c0c0', st.ink, 0.7));
      for (let x = (-f.t * 120 * f.speed) % 40; x < W; x += 40) g.fillRect(x, band - H * 0.012, 3, H * 0.012);
      g.fillRect(0, band - H * 0.014, W, 2);
      const cw = u * 0.42;
      const ch = cw * 0.3;
      const cx = W * 0.2 + Math.sin(f.t * 0.4) * W * 0.05;
      const cy = band + (H - band) * 0.5 - ch;
      g.fillStyle = css(st.ink);
      g.beginPath();
      g.moveTo(cx, cy + ch);
      g.lineTo(cx, cy + ch * 0.45);
      g.lineTo(cx + cw * 0.25, cy + ch * 0.4);
      g.lineTo(cx + cw * 0.38, cy);
      g.lineTo(cx + cw * 0.7, cy);
      g.lineTo(cx + cw * 0.82, cy + ch * 0.4);
      g.lineTo(cx + cw, cy + ch * 0.5);
      g.lineTo(cx + cw, cy + ch);
      g.fill();
      g.beginPath();
      for (const wx of [0.2, 0.8]) g.arc(cx + cw * wx, cy + ch, ch * 0.22, 0, Math.PI * 2);
      g.fill();
      // Headlights and their beam on the road ahead; tail lights pulse red.
      g.fillStyle = css('fff2c0', lit ? 0.22 : 0.08);
      g.beginPath();
      g.moveTo(cx + cw, cy + ch * 0.55);
      g.lineTo(cx + cw + W * 0.45, cy + ch * 0.1);
      g.lineTo(cx + cw + W * 0.45, cy + ch * 1.4);
      g.fill();
      const r = ch * 0.9;
      g.globalAlpha = lit ? 0.95 : 0.5;
      g.drawImage(st.glowDot, cx + cw - r * 0.6, cy + ch * 0.55 - r, r * 2, r * 2);
      g.globalAlpha = (lit ? 0.7 : 0.4) * (0.6 + 0.4 * f.pulse);
      g.fillStyle = css('ff2030');
      g.fillRect(cx - 2, cy + ch * 0.5, ch * 0.12, ch * 0.15);
      g.globalAlpha = 1;
      return;
    }
    case 'boat': {
      const paper = s.modifiers.includes('paper');
      const bw = u * (paper ? 0.22 : 0.2);
      const x = W * (0.3 + 0.25 * ((f.t / Math.max(4, s.seconds)) * 0.8)) + shiftOf(st, f, 0.7);
      const y = footY(s, st, paper ? 0.62 : 0.35);
      const tilt = Math.sin(f.t * 1.8) * 0.07;
      g.save();
      g.translate(x, y);
      g.rotate(tilt);
      g.fillStyle = css(paper ? mix('f4efe0', st.time.sky[2], 0.25 * (1 - st.time.ambient)) : st.ink);
      g.beginPath();
      g.moveTo(-bw / 2, -bw * 0.12);
      g.lineTo(bw / 2, -bw * 0.12);
      g.lineTo(bw * 0.36, bw * 0.06);
      g.lineTo(-bw * 0.36, bw * 0.06);
      g.fill();
      g.fillStyle = css(
        paper ? mix('dcd4c0', st.time.sky[2], 0.3) : mix(st.ink, 'e0e0e0', 0.5 * st.time.ambient),
      );
      g.beginPath();
      g.moveTo(-bw * 0.28, -bw * 0.12);
      g.lineTo(0, -bw * 0.55);
      g.lineTo(bw * 0.28, -bw * 0.12);
      g.fill();
      g.restore();
      // Its reflection: a faint smear below.
      g.fillStyle = css(paper ? 'f4efe0' : st.ink, 0.15);
      g.fillRect(x - bw * 0.35, y + bw * 0.08, bw * 0.7, bw * 0.12);
      return;
    }
    case 'birds': {
      g.lineWidth = Math.max(1.5, u * 0.004);
      g.beginPath();
      for (let i = 0; i < 9; i++) {
        const bx =
          ((hash01(i, 11) * 0.5 + f.t * 0.05 * (0.6 + f.speed)) % 1.3) * W * 1.1 -
          W * 0.1 +
          (i % 3) * u * 0.04;
        const by = st.horizon * (0.25 + 0.35 * hash01(i, 12)) + Math.sin(f.t + i) * u * 0.01;
        const span = u * (0.018 + 0.012 * hash01(i, 13));
        const flap = Math.sin(f.t * 9 + i * 1.7) * span * 0.6;
        g.moveTo(bx - span, by - flap);
        g.quadraticCurveTo(bx - span * 0.4, by - span * 0.3, bx, by);
        g.quadraticCurveTo(bx + span * 0.4, by - span * 0.3, bx + span, by - flap);
      }
      g.stroke();
      return;
    }
    case 'lanterns': {
      const n = 16;
      for (let i = 0; i < n; i++) {
        const rise = (hash01(i, 21) + f.t * 0.04 * (0.5 + f.speed)) % 1;
        const x =
          hash01(i, 22) * W * 1.2 - W * 0.1 + Math.sin(f.t * 0.5 + i) * u * 0.02 + shiftOf(st, f, 0.4);
        const y = st.horizon - rise * st.horizon * 0.9 + (s.ground === 'none' ? st.H * 0.3 : 0);
        const r = u * (0.015 + 0.02 * hash01(i, 23)) * (1 + 0.25 * f.pulse);
        g.globalAlpha = 0.55 + 0.45 * f.pulse;
        g.drawImage(st.tintDots[i % st.tintDots.length] ?? st.glowDot, x - r * 2, y - r * 2, r * 4, r * 4);
        g.fillStyle = css(mix(st.accents[i % st.accents.length] ?? 'ffb060', 'ffd080', 0.5));
        g.fillRect(x - r * 0.35, y - r * 0.5, r * 0.7, r);
      }
      g.globalAlpha = 1;
      return;
    }
    case 'train': {
      const y = st.horizon - u * 0.02;
      const carW = u * 0.2;
      const carH = u * 0.05;
      g.fillRect(0, y + carH, W, u * 0.01); // the viaduct
      for (let k = 0; k < 12; k++) g.fillRect((k * W) / 11, y + carH, u * 0.012, st.H - y);
      const head = ((f.t * u * 0.15 * (0.6 + f.speed)) % (W + carW * 8)) - carW * 6;
      for (let c = 0; c < 6; c++) {
        const x = head - c * carW * 1.05;
        g.fillStyle = css(st.ink);
        g.fillRect(x, y, carW, carH);
        g.fillStyle = css('ffe0a0', lit ? 0.9 : 0.4);
        for (let w = 0; w < 6; w++)
          g.fillRect(x + carW * (0.06 + w * 0.155), y + carH * 0.25, carW * 0.1, carH * 0.35);
      }
      return;
    }
  }
}

/** Subjects in front of the scene. */
export function drawSubjects(g: SKRSContext2D, s: SceneSpec, st: Stage, f: FrameState): void {
  for (const [i, id] of s.subjects.entries()) drawSubject(g, id, s, st, f, i);
}

/** Rain, snow, fog, wind-blown dust and lightning, over everything but the vignette. */
export function drawWeather(g: SKRSContext2D, s: SceneSpec, st: Stage, f: FrameState): void {
  // Indoors the weather stays outside: the window shows its sky, the room stays dry.
  if (s.setting === 'room') return;
  const { W, H } = st;
  const u = Math.min(W, H);
  const wind = s.weather.includes('wind') ? 0.35 : 0.08;
  if (s.weather.includes('rain')) {
    const streak = u * 0.06;
    for (const [layer, count, alpha, width] of [
      [0, 260, 0.25, 1],
      [1, 90, 0.45, 1.6],
    ] as const) {
      g.strokeStyle = css(mix(st.time.sky[2], 'ffffff', 0.6), alpha);
      g.lineWidth = width;
      g.beginPath();
      const fall = H * (1.6 + layer) * (0.8 + f.speed * 0.4);
      for (let i = 0; i < (count * (W * H)) / (1280 * 720); i++) {
        const x0 = hash01(i, layer + 31) * (W + H * wind);
        const y = ((hash01(i, layer + 41) * (H + streak) + f.t * fall) % (H + streak)) - streak;
        const x = x0 - (y + streak) * wind;
        g.moveTo(x, y);
        g.lineTo(x - streak * wind * (1 + layer), y + streak * (1 + layer * 0.6));
      }
      g.stroke();
    }
    if (s.ground !== 'none') {
      // Splashes: small rings where drops land, new ones every frame.
      g.strokeStyle = css('ffffff', 0.35);
      g.lineWidth = 1;
      g.beginPath();
      for (let i = 0; i < 40; i++) {
        const p = hash01(i, f.n * 3 + 1);
        const y = st.horizon + (H - st.horizon) * p;
        const x = hash01(i, f.n * 3 + 2) * W;
        const r = 1.5 + p * u * 0.012;
        g.moveTo(x + r, y);
        g.ellipse(x, y, r, r * 0.3, 0, 0, Math.PI * 2);
      }
      g.stroke();
    }
  }
  if (s.weather.includes('snow')) {
    g.fillStyle = css('f4f8ff', 0.85);
    g.beginPath();
    const n = Math.round((220 * (W * H)) / (1280 * 720));
    for (let i = 0; i < n; i++) {
      const near = hash01(i, 51);
      const r = 1 + near * u * 0.005;
      const y =
        ((hash01(i, 52) * (H + 20) + f.t * H * (0.06 + near * 0.12) * (0.7 + f.speed * 0.5)) % (H + 20)) - 10;
      const x = (((hash01(i, 53) * W + Math.sin(f.t * 0.8 + i) * 12 + f.t * wind * 150 * near) % W) + W) % W;
      g.moveTo(x + r, y);
      g.arc(x, y, r, 0, Math.PI * 2);
    }
    g.fill();
  }
  if (s.weather.includes('wind') && !s.weather.includes('rain') && !s.weather.includes('snow')) {
    g.strokeStyle = css(mix(st.time.sky[2], 'ffffff', 0.4), 0.3);
    g.lineWidth = 1;
    g.beginPath();
    for (let i = 0; i < 60; i++) {
      const x = ((hash01(i, 61) * W + f.t * W * 0.8) % (W * 1.2)) - W * 0.1;
      const y = hash01(i, 62) * H;
      g.moveTo(x, y);
      g.lineTo(x + u * 0.05, y + u * 0.004);
    }
    g.stroke();
  }
  if (s.weather.includes('fog')) {
    for (let k = 0; k < 3; k++) {
      const y = st.horizon - H * 0.1 + k * H * 0.12;
      const fog = g.createLinearGradient(0, y - H * 0.12, 0, y + H * 0.12);
      const c = mix(st.time.sky[2], 'd0d4dc', 0.5);
      fog.addColorStop(0, css(c, 0));
      fog.addColorStop(0.5, css(c, 0.16 + 0.04 * Math.sin(f.t * 0.5 + k)));
      fog.addColorStop(1, css(c, 0));
      g.fillStyle = fog;
      g.fillRect(0, y - H * 0.12, W, H * 0.24);
    }
  }
  if (s.weather.includes('lightning')) {
    // A strike on some beats: a flash that fades over a few frames and a jagged bolt.
    const beatLen = 60 / (s.bpm || 90);
    const beat = Math.floor(f.t / beatLen);
    const since = f.t - beat * beatLen;
    const strikes = hash01(beat, s.seed) < 0.2 + 0.3 * s.energy || beat === 1;
    if (strikes && since < 0.25) {
      const a = (1 - since / 0.25) * 0.55;
      g.fillStyle = css('e8ecff', a * 0.6);
      g.fillRect(0, 0, W, H);
      if (since < 0.12) {
        g.strokeStyle = css('ffffff', 0.95);
        g.lineWidth = Math.max(2, u * 0.005);
        g.beginPath();
        let x = W * (0.2 + 0.6 * hash01(beat, 71));
        let y = 0;
        g.moveTo(x, y);
        for (let k = 0; k < 10; k++) {
          x += (hash01(beat * 10 + k, 72) - 0.5) * u * 0.08;
          y += st.horizon / 10;
          g.lineTo(x, y);
        }
        g.stroke();
      }
    }
  }
}
