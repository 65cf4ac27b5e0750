// Which graphics engine should draw the offline scenes: Skia in Node (@napi-rs/canvas) or WebGL in the
// Chromium that Remotion already drives? Both draw the same frames of a rain + skyline + moving-camera scene
// (one primitive list per frame: a gradient sky, a moon, three parallax layers of buildings with lit windows,
// their reflection on a wet street, rain streaks) at the size scene-v1 draws 720p (960x540), and both must
// hand raw RGBA frames to the encoder, so the time includes getting the pixels out.
// Run after a build: `pnpm --filter @beatframe/provider-local bench:engines` (BENCH_FRAMES, default 90).
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { createCanvas } from '@napi-rs/canvas';
import { chromium } from 'playwright-core';

const W = 960;
const H = 540;
const FRAMES = Number(process.env.BENCH_FRAMES ?? 90);
const FPS = 30;

/**
 * The scene as a flat list of primitives for frame f: [kind, x, y, w, h, r, g, b, a] with kind 0 = rect,
 * 1 = vertical gradient rect (colour to colour2), 2 = disc. The same source runs in Node and in the page.
 */
function scenePrimitives(f, W, H) {
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 4294967296;
  };
  const out = [];
  const horizon = H * 0.62;
  out.push([1, 0, 0, W, horizon, 0.04, 0.05, 0.16, 1, 0.35, 0.12, 0.4]);
  out.push([2, W * 0.72, H * 0.16, H * 0.06, 0, 0.95, 0.95, 0.85, 1]);
  out.push([2, W * 0.72, H * 0.16, H * 0.12, 0, 0.95, 0.95, 0.85, 0.12]);
  const layers = [
    [0.25, 0.12, 0.1, 0.22, 14],
    [0.55, 0.08, 0.07, 0.16, 18],
    [1.0, 0.04, 0.04, 0.1, 22],
  ];
  for (const [speed, r, g, b, count] of layers) {
    const shift = (f * speed * 2) % W;
    for (let i = 0; i < count; i++) {
      const bw = W / count + rnd() * 30;
      const bh = H * (0.12 + rnd() * 0.3 * speed);
      const x = ((i * W) / count - shift + W) % W;
      out.push([0, x, horizon - bh, bw, bh, r, g, b, 1]);
      out.push([0, x, horizon, bw, bh * 0.8, r * 0.7, g * 0.7, b * 0.9, 0.45]);
      for (let wy = horizon - bh + 6; wy < horizon - 6; wy += 9) {
        for (let wx = x + 4; wx < x + bw - 6; wx += 8) {
          if (rnd() < 0.3) out.push([0, wx, wy, 3, 4, 1, 0.85, 0.5, 0.9]);
        }
      }
    }
  }
  out.push([0, 0, horizon + H * 0.02, W, H, 0.03, 0.03, 0.06, 0.35]);
  for (let i = 0; i < 400; i++) {
    const x = (rnd() * W + f * 3) % W;
    const y = (rnd() * H + f * 24) % H;
    out.push([0, x, y, 1.5, 14, 0.7, 0.75, 0.9, 0.35]);
  }
  return out;
}

function skiaFrames() {
  const canvas = createCanvas(W, H);
  const ctx = canvas.getContext('2d');
  const css = (r, g, b, a) =>
    `rgba(${Math.round(r * 255)},${Math.round(g * 255)},${Math.round(b * 255)},${a})`;
  let bytes = 0;
  const t0 = performance.now();
  for (let f = 0; f < FRAMES; f++) {
    ctx.clearRect(0, 0, W, H);
    for (const p of scenePrimitives(f, W, H)) {
      const [k, x, y, w, h, r, g, b, a] = p;
      if (k === 1) {
        const grad = ctx.createLinearGradient(0, y, 0, y + h);
        grad.addColorStop(0, css(r, g, b, a));
        grad.addColorStop(1, css(p[9], p[10], p[11], a));
        ctx.fillStyle = grad;
        ctx.fillRect(x, y, w, h);
      } else if (k === 2) {
        ctx.fillStyle = css(r, g, b, a);
        ctx.beginPath();
        ctx.arc(x, y, w, 0, Math.PI * 2);
        ctx.fill();
      } else {
        ctx.fillStyle = css(r, g, b, a);
        ctx.fillRect(x, y, w, h);
      }
    }
    bytes += canvas.data().length;
  }
  return { ms: (performance.now() - t0) / FRAMES, bytes };
}

/** Runs in the page: the same primitives as coloured triangles, blended, one draw call a frame. */
async function webglPage(W, H, FRAMES, primitivesSrc, readback, postTo) {
  const scenePrimitives = new Function(`return ${primitivesSrc}`)();
  const canvas = document.createElement('canvas');
  canvas.width = W;
  canvas.height = H;
  const gl = canvas.getContext('webgl2', { preserveDrawingBuffer: true, antialias: false });
  if (!gl) return { error: 'no WebGL2 context' };
  const vs = `#version 300 es
    in vec2 p; in vec4 c; out vec4 vc; uniform vec2 size;
    void main() { vc = c; gl_Position = vec4(p / size * 2.0 - 1.0, 0, 1) * vec4(1, -1, 1, 1); }`;
  const fs = `#version 300 es
    precision mediump float; in vec4 vc; out vec4 o; void main() { o = vec4(vc.rgb * vc.a, vc.a); }`;
  const prog = gl.createProgram();
  for (const [type, src] of [
    [gl.VERTEX_SHADER, vs],
    [gl.FRAGMENT_SHADER, fs],
  ]) {
    const s = gl.createShader(type);
    gl.shaderSource(s, src);
    gl.compileShader(s);
    gl.attachShader(prog, s);
  }
  gl.linkProgram(prog);
  gl.useProgram(prog);
  gl.uniform2f(gl.getUniformLocation(prog, 'size'), W, H);
  const buf = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, buf);
  const pLoc = gl.getAttribLocation(prog, 'p');
  const cLoc = gl.getAttribLocation(prog, 'c');
  gl.enableVertexAttribArray(pLoc);
  gl.enableVertexAttribArray(cLoc);
  gl.vertexAttribPointer(pLoc, 2, gl.FLOAT, false, 24, 0);
  gl.vertexAttribPointer(cLoc, 4, gl.FLOAT, false, 24, 8);
  gl.enable(gl.BLEND);
  gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
  gl.viewport(0, 0, W, H);
  const pixels = new Uint8Array(W * H * 4);
  let verts = new Float32Array(1 << 16);
  const t0 = performance.now();
  for (let f = 0; f < FRAMES; f++) {
    const prims = scenePrimitives(f, W, H);
    let n = 0;
    const need = prims.length * 34 * 6 * 6;
    if (verts.length < need) verts = new Float32Array(need);
    const v = (x, y, r, g, b, a) => {
      verts[n++] = x;
      verts[n++] = y;
      verts[n++] = r;
      verts[n++] = g;
      verts[n++] = b;
      verts[n++] = a;
    };
    for (const pr of prims) {
      const [k, x, y, w, h, r, g, b, a] = pr;
      if (k === 2) {
        for (let i = 0; i < 32; i++) {
          const a0 = (i / 32) * Math.PI * 2;
          const a1 = ((i + 1) / 32) * Math.PI * 2;
          v(x, y, r, g, b, a);
          v(x + Math.cos(a0) * w, y + Math.sin(a0) * w, r, g, b, a);
          v(x + Math.cos(a1) * w, y + Math.sin(a1) * w, r, g, b, a);
        }
        continue;
      }
      const [r2, g2, b2] = k === 1 ? [pr[9], pr[10], pr[11]] : [r, g, b];
      v(x, y, r, g, b, a);
      v(x + w, y, r, g, b, a);
      v(x, y + h, r2, g2, b2, a);
      v(x + w, y, r, g, b, a);
      v(x + w, y + h, r2, g2, b2, a);
      v(x, y + h, r2, g2, b2, a);
    }
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.bufferData(gl.ARRAY_BUFFER, verts.subarray(0, n), gl.STREAM_DRAW);
    gl.drawArrays(gl.TRIANGLES, 0, n / 6);
    if (readback) gl.readPixels(0, 0, W, H, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
    else gl.finish();
    // A binary way out of the page: each frame POSTed to a local server (what an encoder feed would do).
    if (postTo) await fetch(postTo, { method: 'POST', body: pixels, mode: 'no-cors' });
  }
  const ms = (performance.now() - t0) / FRAMES;
  return { ms, renderer: gl.getParameter(gl.RENDERER) };
}

async function webglRun(browser, readback, postTo = '') {
  const page = await browser.newPage();
  try {
    return await page.evaluate(
      ([W, H, FRAMES, src, readback, postTo, body]) =>
        new Function(`return ${body}`)()(W, H, FRAMES, src, readback, postTo),
      [W, H, FRAMES, scenePrimitives.toString(), readback, postTo, webglPage.toString()],
    );
  } finally {
    await page.close();
  }
}

/** Moves a few whole frames from the page to Node, as the encoder would need every frame. */
async function transferMs(browser) {
  const page = await browser.newPage();
  try {
    const n = 10;
    await page.evaluate(
      ([W, H]) => {
        globalThis.frame = new Uint8Array(W * H * 4).fill(90);
      },
      [W, H],
    );
    const t0 = performance.now();
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      const b64 = await page.evaluate(() => {
        const px = globalThis.frame;
        let s = '';
        for (let i = 0; i < px.length; i += 0x8000) s += String.fromCharCode(...px.subarray(i, i + 0x8000));
        return btoa(s);
      });
      bytes += Buffer.from(b64, 'base64').length;
    }
    return { ms: (performance.now() - t0) / n, bytes };
  } finally {
    await page.close();
  }
}

const rtf = (ms) => (1000 / FPS / ms).toFixed(2);
console.log(
  `engines bench: ${FRAMES} frames at ${W}x${H} (scene-v1's drawing size for 720p), load ${loadavg()[0].toFixed(1)}`,
);
const prims = scenePrimitives(0, W, H).length;
const skia = skiaFrames();
console.log(
  `  Skia (@napi-rs/canvas), draw + raw pixels: ${skia.ms.toFixed(1)} ms a frame (${prims} primitives) → ${rtf(skia.ms)}× real time at ${FPS} fps on one core`,
);
const browser = await chromium.launch({
  executablePath: process.env.BEATFRAME_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'],
});
try {
  const draw = await webglRun(browser, false);
  if (draw.error) throw new Error(draw.error);
  const read = await webglRun(browser, true);
  const move = await transferMs(browser);
  let received = 0;
  const server = createServer((req, res) => {
    req.on('data', (c) => {
      received += c.length;
    });
    req.on('end', () => res.end());
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const post = await webglRun(browser, true, `http://127.0.0.1:${server.address().port}/`);
  server.close();
  console.log(`  WebGL2 in Chromium (${draw.renderer}):`);
  console.log(`    draw only:             ${draw.ms.toFixed(1)} ms a frame → ${rtf(draw.ms)}×`);
  console.log(`    draw + readPixels:     ${read.ms.toFixed(1)} ms a frame → ${rtf(read.ms)}×`);
  console.log(
    `    + frame to Node (CDP): ${move.ms.toFixed(1)} ms a frame (${(move.bytes / 10 / 1e6).toFixed(1)} MB)`,
  );
  console.log(
    `    draw + readPixels + POST to Node: ${post.ms.toFixed(1)} ms a frame → ${rtf(post.ms)}× (${(received / FRAMES / 1e6).toFixed(1)} MB a frame received)`,
  );
  const total = Math.min(read.ms + move.ms, post.ms);
  console.log(`    best way to the encoder: ${total.toFixed(1)} ms a frame → ${rtf(total)}×`);
  console.log(
    `  → ${skia.ms <= total ? `Skia is ${(total / skia.ms).toFixed(1)}× faster` : `WebGL is ${(skia.ms / total).toFixed(1)}× faster`} for frames that must reach the encoder`,
  );
} finally {
  await browser.close();
}
