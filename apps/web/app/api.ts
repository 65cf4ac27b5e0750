/** The API client: the token (when the server wants one) lives in sessionStorage. */

const TOKEN_KEY = 'beatframe.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function token(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function setToken(value: string | undefined): void {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const t = token();
  return t ? { ...extra, Authorization: `Bearer ${t}` } : extra;
}

async function check(res: Response): Promise<Response> {
  if (res.ok) return res;
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { error?: { message?: string } };
    if (body.error?.message) message = body.error.message;
  } catch {
    // not JSON: keep the status line
  }
  throw new ApiError(res.status, message);
}

export async function get<T>(path: string): Promise<T> {
  const res = await check(await fetch(path, { headers: headers() }));
  return (await res.json()) as T;
}

export async function post<T>(path: string, body?: unknown, method = 'POST'): Promise<T> {
  const init: RequestInit =
    body instanceof FormData
      ? { method, headers: headers(), body }
      : {
          method,
          headers: headers({ 'Content-Type': 'application/json' }),
          body: JSON.stringify(body ?? {}),
        };
  const res = await check(await fetch(path, init));
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/**
 * Checks the token and exchanges it for the session cookie, so <video>, <img> and EventSource
 * (which cannot send headers) are authorised too. Returns false when a (new) token is needed.
 */
export async function signIn(): Promise<boolean> {
  const res = await fetch('/api/session', { method: 'POST', headers: headers() });
  return res.status !== 401;
}

/** Uploads with progress (fetch cannot report it): resolves with the JSON answer. */
export function upload<T>(path: string, data: FormData, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    const t = token();
    if (t) xhr.setRequestHeader('Authorization', `Bearer ${t}`);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () =>
      reject(new ApiError(0, 'the upload was interrupted; check the connection and try again'));
    xhr.onload = () => {
      let body: { error?: { message?: string } } | undefined;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else reject(new ApiError(xhr.status, body?.error?.message ?? `${xhr.status} ${xhr.statusText}`));
    };
    xhr.send(data);
  });
}

export interface Stage {
  name: string;
  status: 'pending' | 'running' | 'done' | 'failed' | 'skipped';
  progress: number;
  startedAt?: string;
  finishedAt?: string;
  error?: string;
}

export interface Project {
  id: string;
  name: string;
  status: 'queued' | 'running' | 'paused' | 'failed' | 'done';
  createdAt: string;
  updatedAt: string;
  options: {
    theme: string;
    provider: string;
    model?: string;
    crew: string;
    renderer: string;
    aspect: string;
    resolution?: string;
    captions?: boolean;
    titleCard?: boolean;
    visualizer?: string;
    style?: string;
    /** Rendered half size by the fastest renderer; POST /final renders it again in full. */
    preview?: boolean;
  };
  budget: { estimateUsd: number; spentUsd: number; maxUsd?: number };
  stages: Stage[];
  error?: string;
  videoUrl?: string;
  thumbnailUrl?: string;
}

export interface Shot {
  id: string;
  index: number;
  start: number;
  end: number;
  description: string;
  prompt: string;
  status: string;
  attempt: number;
  progress: number;
  costUsd: number;
  error?: string;
  thumbnailUrl?: string;
  clipUrl?: string;
}

export interface ProjectDetail extends Project {
  currentStage: string;
  awaitingApproval: boolean;
  reason?: string;
  attention?: { reason: string; screenshotUrl?: string; shotId?: string };
  costs: {
    estimateUsd: number;
    /** The first cut plus its bounded retakes and revisions; an approval without an amount covers this. */
    estimateMaxUsd?: number;
    spentUsd: number;
    maxUsd?: number;
    approvedUsd?: number;
    /** While awaiting approval: what the approval must reach to go on. */
    approvalNeededUsd?: number;
    todayUsd: number;
    dailyCapUsd?: number;
  };
  /** Said out loud: a delivered video whose evaluation failed, a crew that fell back. */
  notices?: string[];
  song?: { title: string; artist?: string; durationSec: number; styleTags: string[] };
  shots: Shot[];
  /** The keyframes a person approves before the video is paid for (projects that make them). */
  storyboard?: Storyboard;
  evaluation?: {
    score: number;
    passed: boolean;
    summary: string;
    components?: Record<string, number>;
    metrics?: Record<string, number>;
    issues: Array<{ kind: string; message: string; severity: string }>;
    plotUrl?: string;
  };
  downloadUrl?: string;
}

export interface Storyboard {
  phase?: 'stills' | 'review';
  stills: Array<{ shotId: string; index: number; prompt: string; stillUrl?: string }>;
  stillsUsd: number;
  stillsSpentUsd: number;
  rerollUsd: number;
  videoUsd: number;
  videoMaxUsd: number;
  imageProvider: string;
  sheetUrl?: string;
}

export interface Decision {
  id?: number;
  stage?: string;
  role: string;
  shotId?: string;
  summary: string;
  model?: string;
  costUsd?: number;
  at: string;
}

export interface Options {
  providers: string[];
  renderers: string[];
  crews: string[];
  aspects: string[];
  resolutions: string[];
  visualizers?: string[];
  styles?: string[];
  maxUploadBytes: number;
}

export interface Estimate {
  provider: string;
  shots: number;
  seconds: number;
  usd: number;
  exact: boolean;
}

export interface ProviderInfo {
  name: string;
  description: string;
  configured: boolean;
  hint?: string;
  keyEnv?: string;
  models: string[];
  aspects: string[];
  free: boolean;
}

export interface Version {
  n: number;
  at: string;
  score?: number;
  current: boolean;
  videoUrl: string;
  downloadUrl: string;
  thumbnailUrl?: string;
}

export interface Take {
  id: string;
  label: string;
  current: boolean;
  clipUrl: string;
  thumbnailUrl?: string;
}

export interface TimelineView {
  durationSec: number;
  bpm: number;
  beats: number[];
  downbeats: number[];
  sections: Array<{ start: number; end: number; label: string }>;
  shots: Array<{ shotId: string; index: number; start: number; end: number }>;
  peaks: number[];
  fromCut: boolean;
}

export interface EtaTable {
  stages: Record<string, { secPerSongSec: number; samples: number }>;
}
