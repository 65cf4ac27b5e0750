import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { parseSize } from '@beatframe/core';
import { makeTestClip } from '@beatframe/media/testing';
import { closeServer, listenLocal } from './http.js';
import type { WebVideoSite } from './web-video-site.js';

/**
 * What the two fake video websites share: accounts and cookie sessions, a job store whose jobs advance with
 * time, real MP4 files, and the fault switches a test flips to make the site misbehave the way real ones do.
 */

/** Switches for the faults a web provider must classify. Each stays on until cleared (counts run down). */
export interface WebSiteFaults {
  /** The password is refused ("incorrect email or password"). */
  rejectLogin?: boolean;
  /** A "verify you are human" page after the password (`login`) or in front of every page (`always`). */
  captcha?: 'login' | 'always';
  /** A two-factor code is asked for after the password. */
  twoFactor?: boolean;
  /** Submissions are refused: too many videos in the queue. */
  queueFull?: boolean;
  /** Submissions are refused: the account's daily limit is reached. */
  dailyLimit?: boolean;
  /** Jobs run and then fail. */
  failGeneration?: boolean;
  /** The prompt is refused by moderation, at submission or when the job ends. */
  refuseContent?: 'submit' | 'job';
  /** This many downloads break off halfway. */
  interruptDownload?: number;
  /** A control is missing from the composer (the profile's selector finds nothing). */
  missingControl?: string;
  /** The site was redesigned: the composer's landmarks are gone. */
  redesign?: boolean;
  /** The next request finds its session expired (the cookie no longer works). */
  expireSession?: boolean;
  /** Pages never answer (a hung site): a browser that dies meanwhile is caught waiting. */
  stallPages?: boolean;
  /** On every composer page, the menu buttons ignore this many clicks (a page whose script is slow to listen). */
  menuMissesClicks?: number;
}

export interface WebJob {
  id: string;
  prompt: string;
  seconds: number;
  size: string;
  /** The start image the site received (a data URL's media type and byte count). */
  image?: { type: string; bytes: number };
  createdMs: number;
  fail?: 'generation' | 'content';
  file?: Promise<string>;
}

export interface WebSiteStats {
  /** Jobs created (a resumed provider must not add one). */
  submissions: number;
  logins: number;
  loginPages: number;
  jobPageViews: number;
  downloads: number;
  /** Pages served while no one was signed in. */
  anonymousPages: number;
  /** Requests left hanging by `stallPages`. */
  stalled: number;
}

export interface WebSiteCore {
  email: string;
  password: string;
  faults: WebSiteFaults;
  stats: WebSiteStats;
  jobs: Map<string, WebJob>;
  sessions: Set<string>;
  latencyMs: number;
  /** The signed-in session of this request, honouring `expireSession`. */
  session(req: IncomingMessage): string | undefined;
  newSession(): string;
  /** 0…1 from the job's age; 1 when done. */
  progressOf(job: WebJob): number;
  stateOf(job: WebJob): 'queued' | 'running' | 'done' | 'failed';
  /** Refusals a submission meets, in the order a site checks them, or undefined. */
  refusalAt(prompt: string): 'queue-full' | 'daily-limit' | 'content' | undefined;
  createJob(input: Omit<WebJob, 'id' | 'createdMs'>, idPrefix: string): WebJob;
  /** Serves the job's MP4 as an attachment (or half of it, then a dropped connection, when interrupted). */
  sendVideo(res: ServerResponse, job: WebJob, name: string): Promise<void>;
}

/** A job's MP4, made (once per size and length) while the job "generates". */
function videoOf(job: WebJob, clips: Map<string, Promise<string>>, workDir: string): Promise<string> {
  const key = `${job.size}-${job.seconds}`;
  let made = clips.get(key);
  if (!made) {
    made = mkdir(workDir, { recursive: true }).then(() =>
      makeTestClip(join(workDir, `${key}.mp4`), {
        ...parseSize(job.size),
        fps: TINY_FPS,
        durationSec: job.seconds,
      }).then((c) => c.path),
    );
    clips.set(key, made);
  }
  job.file ??= made.then(async (p) => {
    const own = join(workDir, `${job.id}.mp4`);
    await copyFile(p, own);
    return own;
  });
  job.file.catch(() => {});
  return job.file;
}

export function parseCookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) out[part.slice(0, at).trim()] = decodeURIComponent(part.slice(at + 1).trim());
  }
  return out;
}

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
  res.end(html);
}

export function redirect(res: ServerResponse, to: string, headers: Record<string, string> = {}) {
  res.writeHead(303, { location: to, ...headers });
  res.end();
}

/** A data URL's media type and size, as a site checks an uploaded start image. */
export function imageOfDataUrl(url: string | undefined): { type: string; bytes: number } | undefined {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url ?? '');
  if (!m) return undefined;
  return { type: m[1]!, bytes: Buffer.from(m[2]!, 'base64').length };
}

const TINY_FPS = 8;

export function createWebSiteCore(opts: {
  email?: string;
  password?: string;
  latencyMs?: number;
  cookie: string;
  workDir: string;
  blockedWords?: string[];
}): WebSiteCore {
  const clips = new Map<string, Promise<string>>();
  const faults: WebSiteFaults = {};
  const latencyMs = opts.latencyMs ?? 3000;
  const blocked = opts.blockedWords ?? ['forbidden'];
  const sessions = new Set<string>();
  const core: WebSiteCore = {
    email: opts.email ?? 'dedicated@example.test',
    password: opts.password ?? randomBytes(9).toString('base64url'),
    faults,
    stats: {
      submissions: 0,
      logins: 0,
      loginPages: 0,
      jobPageViews: 0,
      downloads: 0,
      anonymousPages: 0,
      stalled: 0,
    },
    jobs: new Map(),
    sessions,
    latencyMs,
    session(req) {
      const token = parseCookies(req)[opts.cookie];
      if (!token || !sessions.has(token)) return undefined;
      if (faults.expireSession) {
        faults.expireSession = false;
        sessions.delete(token);
        return undefined;
      }
      return token;
    },
    newSession() {
      const token = randomBytes(18).toString('base64url');
      sessions.add(token);
      core.stats.logins++;
      return token;
    },
    progressOf(job) {
      return Math.max(0, Math.min(1, (Date.now() - job.createdMs) / latencyMs));
    },
    stateOf(job) {
      const p = core.progressOf(job);
      if (p >= 1) return job.fail ? 'failed' : 'done';
      return p < 0.15 ? 'queued' : 'running';
    },
    refusalAt(prompt) {
      if (faults.queueFull) return 'queue-full';
      if (faults.dailyLimit) return 'daily-limit';
      const words = blocked.some((w) => prompt.toLowerCase().includes(w));
      if (faults.refuseContent === 'submit' || words) return 'content';
      return undefined;
    },
    createJob(input, idPrefix) {
      const id = `${idPrefix}${randomBytes(8).toString('hex')}`;
      const job: WebJob = { ...input, id, createdMs: Date.now() };
      if (faults.failGeneration) job.fail = 'generation';
      if (faults.refuseContent === 'job') job.fail = 'content';
      core.jobs.set(id, job);
      core.stats.submissions++;
      void videoOf(job, clips, opts.workDir);
      return job;
    },
    async sendVideo(res, job, name) {
      core.stats.downloads++;
      const bytes = await readFile(await videoOf(job, clips, opts.workDir));
      const cut = (faults.interruptDownload ?? 0) > 0;
      if (cut) faults.interruptDownload = (faults.interruptDownload ?? 1) - 1;
      res.writeHead(200, {
        'content-type': 'video/mp4',
        'content-length': bytes.length,
        'content-disposition': `attachment; filename="${name}"`,
      });
      if (!cut) return void res.end(bytes);
      // Half the file, then the connection drops: the browser reports the download as failed.
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.destroy());
    },
  };
  return core;
}

/** Reads an application/x-www-form-urlencoded or JSON request body. */
export async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] ?? '').includes('json')) {
    const body = JSON.parse(text || '{}') as Record<string, unknown>;
    return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, String(v ?? '')]));
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/** Serves a fake site on loopback and hands its test the address, the account, the switches and a close. */
export async function serveWebSite(
  core: WebSiteCore,
  server: Server,
  workDir: string,
  port = 0,
): Promise<WebVideoSite> {
  const baseUrl = await listenLocal(server, port);
  return {
    baseUrl,
    email: core.email,
    password: core.password,
    faults: core.faults,
    stats: core.stats,
    jobs: core.jobs,
    expireSessions: () => core.sessions.clear(),
    async close() {
      await closeServer(server);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
