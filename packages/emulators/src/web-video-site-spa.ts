import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendJson } from './http.js';
import { createWebSiteCore, imageOfDataUrl, readForm, sendHtml, serveWebSite } from './web-site-kit.js';
import type { WebVideoSite, WebVideoSiteOptions } from './web-video-site.js';

/**
 * A second fake video website, built unlike the first on purpose: a single-page app ("Clipforge") that draws
 * everything in the browser from a JSON API, routes by URL hash, signs in through a dialog (work email and
 * passphrase), composes in a two-step wizard (scene, then a <select> for the length, radio buttons for the
 * format and a file field), shows a <progress> element, and offers the file as a plain link. Same fault
 * switches as the first site. `test/profiles/clipforge.json` in @beatframe/provider-web is its profile.
 */

const SIZES: Record<string, string> = { landscape: '640x360', portrait: '360x640', square: '480x480' };
const LENGTHS = [4, 8];

const SHELL = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Clipforge</title>
<style>body{font:15px system-ui;margin:0;background:#f4f1ea}#app{padding:20px}.toast{padding:8px;background:#fdd}</style>
</head><body><div id="app">Loading…</div><script src="/app.js"></script></body></html>`;

const APP_JS = `
const app = document.getElementById('app');
const h = (html) => { app.innerHTML = html; };
const api = (path, body) => fetch('/api' + path, body === undefined ? {} :
  { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
let timer;
async function route() {
  clearTimeout(timer);
  const hash = location.hash || '#/new';
  const me = await api('/me');
  if (me.status === 403) return h('<section><h2>Security check</h2><p>Please confirm you are not a robot.</p></section>');
  if (me.status !== 200 && hash !== '#/signin') { location.hash = '#/signin'; return; }
  if (hash === '#/signin') return signin();
  if (hash === '#/new') return wizard();
  const m = /^#\\/renders\\/([\\w-]+)$/.exec(hash);
  if (m) return render(m[1]);
  h('<h1>Nothing here</h1>');
}
function signin(msg = '') {
  h('<dialog open aria-labelledby="st"><h2 id="st">Sign in to Clipforge</h2>' +
    '<label>Work email <input id="u" type="email"></label><br><label>Passphrase <input id="p" type="password"></label><br>' +
    '<button id="go">Log in</button><p role="alert">' + msg + '</p></dialog>');
  document.getElementById('go').onclick = async () => {
    const r = await api('/session', { user: document.getElementById('u').value, passphrase: document.getElementById('p').value });
    const b = await r.json();
    if (r.ok) { location.hash = '#/new'; return; }
    if (b.error === 'challenge') return h('<section><h2>Security check</h2><p>Please confirm you are not a robot.</p></section>');
    if (b.error === 'otp_required') return h('<dialog open><h2>One more step</h2><label>One-time passcode <input id="otp"></label><button>Confirm</button></dialog>');
    signin('Wrong email or passphrase');
  };
}
function wizard() {
  h('<h1>New clip</h1><p>Step 1 of 2</p><textarea id="scene" placeholder="What happens in the clip?"></textarea><br><button id="next">Next</button>');
  document.getElementById('next').onclick = () => {
    const scene = document.getElementById('scene').value;
    if (document.body.dataset.redesign) return;
    h('<h1>New clip</h1><p>Step 2 of 2</p>' +
      (window.MISSING === 'duration' ? '' : '<label>Length <select id="len"><option value="4">4 seconds</option><option value="8">8 seconds</option></select></label>') +
      '<fieldset><legend>Format</legend>' +
      ['landscape', 'portrait', 'square'].map((f) => '<label><input type="radio" name="fmt" value="' + f + '"' + (f === 'landscape' ? ' checked' : '') + '> ' + f[0].toUpperCase() + f.slice(1) + '</label>').join(' ') +
      '</fieldset><label>Reference frame (optional) <input id="frame" type="file" accept="image/png,image/jpeg"></label><br>' +
      '<button id="render">Render</button><div id="toast"></div>');
    document.getElementById('render').onclick = async () => {
      const f = document.getElementById('frame').files[0];
      const frame = f ? await new Promise((ok) => { const r = new FileReader(); r.onload = () => ok(r.result); r.readAsDataURL(f); }) : '';
      const len = document.getElementById('len');
      const r = await api('/renders', { scene, length: len ? len.value : '', format: document.querySelector('input[name=fmt]:checked').value, frame });
      const b = await r.json();
      if (r.ok) { location.hash = '#/renders/' + b.id; return; }
      const say = { busy: 'Render queue is full, try again in a few minutes', daily_quota: 'Daily render quota used up', safety: 'Blocked by safety filter' }[b.error] || 'Something broke';
      document.getElementById('toast').innerHTML = '<div class="toast">' + say + '</div>';
    };
  };
}
async function render(id) {
  const r = await api('/renders/' + id);
  if (r.status === 401) { location.hash = '#/signin'; return; }
  const j = await r.json();
  let body = '';
  if (j.state === 'waiting' || j.state === 'rendering') body = '<p>' + (j.state === 'waiting' ? 'Waiting for a slot' : 'Rendering') + '</p><progress aria-label="Render progress" max="100" value="' + Math.round(j.progress * 100) + '"></progress>';
  else if (j.state === 'blocked') body = '<h2>Blocked by safety filter</h2>';
  else if (j.state === 'error') body = '<h2>Render failed</h2><p>Try another scene.</p>';
  else body = '<p>Ready</p><a href="/api/renders/' + id + '/file">Save MP4</a>';
  h('<h1>Render ' + id + '</h1>' + body);
  if (j.state === 'waiting' || j.state === 'rendering') timer = setTimeout(() => render(id), 400);
}
window.addEventListener('hashchange', route);
route();`;

export async function startWebVideoSiteSpa(opts: WebVideoSiteOptions = {}): Promise<WebVideoSite> {
  const workDir = mkdtempSync(join(tmpdir(), 'bf-web-spa-'));
  const core = createWebSiteCore({ ...opts, cookie: 'cf_sid', workDir });
  const { faults, stats } = core;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://site').pathname;
    if (path === '/') {
      const flags = `${faults.redesign ? '<script>document.body.dataset.redesign=1</script>' : ''}${
        faults.missingControl
          ? `<script>window.MISSING=${JSON.stringify(faults.missingControl)}</script>`
          : ''
      }`;
      return sendHtml(res, 200, SHELL.replace('<script src', `${flags}<script src`));
    }
    if (path === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      return void res.end(APP_JS);
    }
    if (faults.captcha === 'always') return sendJson(res, 403, { error: 'challenge' });
    if (path === '/api/session' && req.method === 'POST') {
      stats.loginPages++;
      const f = await readForm(req);
      if (faults.rejectLogin || f.user !== core.email || f.passphrase !== core.password)
        return sendJson(res, 401, { error: 'bad_credentials' });
      if (faults.captcha === 'login') return sendJson(res, 403, { error: 'challenge' });
      if (faults.twoFactor) return sendJson(res, 401, { error: 'otp_required' });
      return sendJson(
        res,
        200,
        { ok: true },
        { 'set-cookie': `cf_sid=${core.newSession()}; Path=/; HttpOnly` },
      );
    }
    if (!core.session(req)) {
      stats.anonymousPages++;
      return sendJson(res, 401, { error: 'signed_out' });
    }
    if (path === '/api/me') return sendJson(res, 200, { email: core.email });
    if (path === '/api/renders' && req.method === 'POST') {
      const f = await readForm(req);
      const refusal = core.refusalAt(f.scene ?? '');
      if (refusal === 'queue-full') return sendJson(res, 429, { error: 'busy' });
      if (refusal === 'daily-limit') return sendJson(res, 429, { error: 'daily_quota' });
      if (refusal === 'content') return sendJson(res, 422, { error: 'safety' });
      const size = SIZES[f.format ?? ''];
      const seconds = Number(f.length);
      if (!f.scene || !size || !LENGTHS.includes(seconds)) return sendJson(res, 400, { error: 'invalid' });
      const image = imageOfDataUrl(f.frame);
      const job = core.createJob({ prompt: f.scene, seconds, size, ...(image ? { image } : {}) }, 'r-');
      return sendJson(res, 201, { id: job.id });
    }
    const m = /^\/api\/renders\/(r-[0-9a-f]+)(\/file)?$/.exec(path);
    const job = m ? core.jobs.get(m[1]!) : undefined;
    if (!job) return sendJson(res, 404, { error: 'not_found' });
    if (m![2])
      return core.stateOf(job) === 'done' ? core.sendVideo(res, job, 'clip.mp4') : sendJson(res, 409, {});
    stats.jobPageViews++;
    const st = core.stateOf(job);
    const state =
      st === 'queued'
        ? 'waiting'
        : st === 'running'
          ? 'rendering'
          : st === 'done'
            ? 'ready'
            : job.fail === 'content'
              ? 'blocked'
              : 'error';
    return sendJson(res, 200, { id: job.id, state, progress: core.progressOf(job) });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => (res.headersSent ? res.destroy() : sendJson(res, 500, { error: 'oops' })));
  });
  return serveWebSite(core, server, workDir, opts.port ?? 0);
}
