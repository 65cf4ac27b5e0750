import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createWebSiteCore,
  escapeHtml,
  imageOfDataUrl,
  readForm,
  redirect,
  sendHtml,
  serveWebSite,
  type WebJob,
  type WebSiteFaults,
  type WebSiteStats,
} from './web-site-kit.js';

/**
 * A fake video website built like sora.com was (server-rendered pages, plain form posts, menus for the
 * settings): a two-step sign-in (email, then password) with a captcha page and a two-factor prompt, a
 * composer with aspect, resolution and duration menus and an image upload, a library of jobs, a job page
 * with a progress bar, and a Download menu that serves an attachment. Each fault a web provider must
 * classify has a switch in `faults`. Its markup is what `profiles/sora.json` in @beatframe/provider-web reads.
 */

export interface WebVideoSite {
  baseUrl: string;
  email: string;
  password: string;
  faults: WebSiteFaults;
  stats: WebSiteStats;
  jobs: Map<string, WebJob>;
  /** Forgets every signed-in session (as a site does when it logs everyone out). */
  expireSessions(): void;
  close(): Promise<void>;
}

export interface WebVideoSiteOptions {
  email?: string;
  password?: string;
  /** Time from submission to a finished video, ms. */
  latencyMs?: number;
  port?: number;
  /** Prompts with these words are refused at submission. */
  blockedWords?: string[];
}

const SIZES: Record<string, string> = {
  '16:9 480p': '854x480',
  '9:16 480p': '480x854',
  '1:1 480p': '480x480',
  '16:9 720p': '1280x720',
  '9:16 720p': '720x1280',
  '1:1 720p': '720x720',
  '16:9 1080p': '1920x1080',
  '9:16 1080p': '1080x1920',
  '1:1 1080p': '1080x1080',
};
const DURATIONS = [5, 10, 15, 20];

function page(title: string, body: string, script = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;background:#111;color:#eee;margin:0}main{padding:24px}
[role=menu]{background:#222;padding:6px;border:1px solid #444}[role=menuitemradio],[role=menuitem]{display:block;padding:4px;cursor:pointer}
button{margin:4px}textarea{width:90%;height:80px}</style></head><body>${body}${script ? `<script>${script}</script>` : ''}</body></html>`;
}

const HEADER = `<header><nav aria-label="Main"><a href="/">Explore</a> <a href="/library">Library</a></nav>
<button type="button" aria-label="Account menu">Account</button></header>`;

function menu(label: string, name: string, values: Array<[string, string]>, current: string): string {
  const items = values
    .map(
      ([value, text]) =>
        `<div role="menuitemradio" tabindex="-1" aria-checked="${value === current}" data-value="${value}">${text}</div>`,
    )
    .join('');
  const text = values.find(([v]) => v === current)?.[1] ?? current;
  return `<span class="setting"><button type="button" aria-haspopup="menu" aria-label="${label}" data-menu="${name}">${text}</button>
<input type="hidden" name="${name}" value="${current}"><div role="menu" aria-label="${label}" data-for="${name}" hidden>${items}</div></span>`;
}

const COMPOSER_JS = `
document.querySelectorAll('button[data-menu]').forEach((b) => b.addEventListener('click', () => {
  if (window.missClicks > 0) { window.missClicks--; return; }
  const m = document.querySelector('[role=menu][data-for="' + b.dataset.menu + '"]');
  document.querySelectorAll('[role=menu]').forEach((x) => { if (x !== m) x.hidden = true; });
  m.hidden = !m.hidden;
}));
document.querySelectorAll('[role=menuitemradio]').forEach((it) => it.addEventListener('click', () => {
  const m = it.closest('[role=menu]');
  const name = m.dataset.for;
  document.querySelector('input[name="' + name + '"]').value = it.dataset.value;
  document.querySelector('button[data-menu="' + name + '"]').textContent = it.textContent;
  m.querySelectorAll('[role=menuitemradio]').forEach((x) => x.setAttribute('aria-checked', String(x === it)));
  setTimeout(() => { m.hidden = true; }, 150);
}));
const up = document.getElementById('upload');
if (up) up.addEventListener('change', () => {
  const f = up.files[0]; if (!f) return;
  const r = new FileReader();
  r.onload = () => { document.querySelector('input[name=image]').value = r.result;
    document.getElementById('attached').textContent = 'Image attached: ' + f.name; };
  r.readAsDataURL(f);
});
document.getElementById('composer')?.addEventListener('submit', (e) => {
  const img = document.querySelector('input[name=image]');
  if (up && up.files.length && !img.value) { e.preventDefault(); setTimeout(() => e.target.requestSubmit(), 200); }
});`;

const MENU_JS = `
document.querySelectorAll('button[aria-haspopup=menu]').forEach((b) => b.addEventListener('click', () => {
  const m = b.nextElementSibling; m.hidden = !m.hidden;
}));`;

export async function startWebVideoSite(opts: WebVideoSiteOptions = {}): Promise<WebVideoSite> {
  const workDir = mkdtempSync(join(tmpdir(), 'bf-web-site-'));
  const core = createWebSiteCore({ ...opts, cookie: 'sora_session', workDir });
  const { faults, stats } = core;

  function loginEmail(error = ''): string {
    stats.loginPages++;
    return page(
      'Log in – Sora',
      `<main><h1>Welcome back</h1><form method="post" action="/login">
<label for="email">Email address</label><input id="email" name="email" type="email" autocomplete="username">
${error}<button type="submit">Continue</button></form></main>`,
    );
  }
  function loginPassword(email: string, error = ''): string {
    return page(
      'Enter your password – Sora',
      `<main><h1>Enter your password</h1><form method="post" action="/login/password">
<input type="hidden" name="email" value="${escapeHtml(email)}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
${error}<button type="submit">Continue</button></form></main>`,
    );
  }
  const challenge = () =>
    page(
      'Just a moment…',
      `<main><h1>Verify you are human</h1><p>Complete the check below to continue.</p>
<label><input type="checkbox"> I am human</label></main>`,
    );
  const twoFactor = () =>
    page(
      'Two-factor authentication',
      `<main><h1>Check your authenticator app</h1><form method="post" action="/login/mfa">
<label for="code">Enter the 6-digit code</label><input id="code" name="code" inputmode="numeric">
<button type="submit">Verify</button></form></main>`,
    );

  function composer(alert = ''): string {
    if (faults.redesign)
      return page(
        'Sora',
        `${HEADER}<main><h1>Meet the new Sora</h1><div contenteditable="true" aria-label="Start with an idea"></div>
<button type="button">Make it</button></main>`,
      );
    const controls = [
      faults.missingControl === 'aspect'
        ? ''
        : menu(
            'Aspect ratio',
            'aspect',
            [
              ['16:9', '16:9'],
              ['1:1', '1:1'],
              ['9:16', '9:16'],
            ],
            '16:9',
          ),
      faults.missingControl === 'resolution'
        ? ''
        : menu(
            'Resolution',
            'resolution',
            [
              ['480p', '480p'],
              ['720p', '720p'],
              ['1080p', '1080p'],
            ],
            '480p',
          ),
      faults.missingControl === 'duration'
        ? ''
        : menu(
            'Duration',
            'duration',
            DURATIONS.map((d) => [String(d), `${d}s`]),
            '5',
          ),
    ].join(' ');
    return page(
      'Sora',
      `${HEADER}<main><form id="composer" method="post" action="/backend/video_gen">
<textarea name="prompt" aria-label="Describe your video..." placeholder="Describe your video..."></textarea>
<div>${controls}</div>
<label for="upload">Upload image</label><input id="upload" type="file" accept="image/*" style="display:none">
<input type="hidden" name="image" value=""><span id="attached"></span>
${alert}<button type="submit">Create video</button></form></main>`,
      `window.missClicks = ${faults.menuMissesClicks ?? 0};${COMPOSER_JS}`,
    );
  }

  function library(): string {
    const cards = [...core.jobs.values()]
      .reverse()
      .map(
        (j) =>
          `<article aria-label="${escapeHtml(j.prompt.slice(0, 80))}"><p>${escapeHtml(j.prompt)}</p>
<span>${core.stateOf(j)}</span> <a href="/g/${j.id}">Open</a></article>`,
      )
      .join('');
    return page('Library – Sora', `${HEADER}<main><h1>Library</h1>${cards || '<p>No videos yet</p>'}</main>`);
  }

  function jobPage(job: WebJob): string {
    stats.jobPageViews++;
    const st = core.stateOf(job);
    const pct = Math.round(core.progressOf(job) * 100);
    let body = '';
    if (st === 'queued') body = '<p role="status">Queued</p>';
    else if (st === 'running')
      body = `<div role="progressbar" aria-label="Generating" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${pct}">${pct}%</div>`;
    else if (st === 'failed')
      body =
        job.fail === 'content'
          ? '<div role="alert">This video was blocked because it may violate our content policies.</div>'
          : '<div role="alert">Generation failed. You were not charged for this video.</div>';
    else
      body = `<video aria-label="Generated video" muted></video>
<span><button type="button" aria-haspopup="menu">Download</button><div role="menu" hidden>
<a role="menuitem" href="/g/${job.id}/download">Video</a><a role="menuitem" href="#">GIF</a></div></span>`;
    return page(
      `${job.prompt.slice(0, 40)} – Sora`,
      `${HEADER}<main><h1>${escapeHtml(job.prompt.slice(0, 80))}</h1><p>${job.size}, ${job.seconds}s</p>${body}</main>`,
      MENU_JS,
    );
  }

  const REFUSALS = {
    'queue-full':
      '<div role="alert">You already have the maximum number of videos generating. Wait for one to finish.</div>',
    'daily-limit':
      '<div role="alert">You\'ve reached your daily limit for video generations. Come back tomorrow.</div>',
    content: '<div role="alert">This prompt may violate our content policies.</div>',
  } as const;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://site');
    const path = url.pathname;
    if (path === '/favicon.ico') return void res.writeHead(404).end();
    if (faults.stallPages) return void stats.stalled++;
    if (faults.captcha === 'always') return sendHtml(res, 200, challenge());
    if (path === '/login' && req.method === 'GET') return sendHtml(res, 200, loginEmail());
    if (path === '/login' && req.method === 'POST') {
      const f = await readForm(req);
      if (!f.email) return sendHtml(res, 200, loginEmail('<p role="alert">Enter your email address.</p>'));
      return sendHtml(res, 200, loginPassword(f.email));
    }
    if (path === '/login/password' && req.method === 'POST') {
      const f = await readForm(req);
      if (faults.rejectLogin || f.email !== core.email || f.password !== core.password)
        return sendHtml(
          res,
          200,
          loginPassword(f.email ?? '', '<p role="alert">Incorrect email address or password.</p>'),
        );
      if (faults.captcha === 'login') return sendHtml(res, 200, challenge());
      if (faults.twoFactor) return sendHtml(res, 200, twoFactor());
      return redirect(res, '/', {
        'set-cookie': `sora_session=${core.newSession()}; Path=/; HttpOnly; SameSite=Lax`,
      });
    }
    const session = core.session(req);
    if (!session) {
      stats.anonymousPages++;
      return redirect(res, `/login?next=${encodeURIComponent(path)}`);
    }
    if (path === '/' && req.method === 'GET') return sendHtml(res, 200, composer());
    if (path === '/backend/video_gen' && req.method === 'POST') {
      const f = await readForm(req);
      const refusal = core.refusalAt(f.prompt ?? '');
      if (refusal) return sendHtml(res, 200, composer(REFUSALS[refusal]));
      const size = SIZES[`${f.aspect} ${f.resolution}`];
      const seconds = Number(f.duration);
      if (!f.prompt || !size || !DURATIONS.includes(seconds))
        return sendHtml(res, 400, composer('<div role="alert">Something went wrong.</div>'));
      const image = imageOfDataUrl(f.image);
      core.createJob({ prompt: f.prompt, seconds, size, ...(image ? { image } : {}) }, 'gen_');
      return redirect(res, '/library');
    }
    if (path === '/library') return sendHtml(res, 200, library());
    const m = /^\/g\/(gen_[0-9a-f]+)(\/download)?$/.exec(path);
    const job = m ? core.jobs.get(m[1]!) : undefined;
    if (m && !job) return sendHtml(res, 404, page('Not found', '<main><h1>Video not found</h1></main>'));
    if (job && !m![2]) return sendHtml(res, 200, jobPage(job));
    if (job && core.stateOf(job) === 'done') return core.sendVideo(res, job, `${job.id}.mp4`);
    sendHtml(res, 404, page('Not found', '<main><h1>Page not found</h1></main>'));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendHtml(res, 500, page('Error', `<p>${escapeHtml(String(err))}</p>`));
      else res.destroy();
    });
  });
  return serveWebSite(core, server, workDir, opts.port ?? 0);
}
