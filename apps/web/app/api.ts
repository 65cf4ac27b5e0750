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

export async function post<T>(path: string, body?: unknown): Promise<T> {
  const init: RequestInit =
    body instanceof FormData
      ? { method: 'POST', headers: headers(), body }
      : {
          method: 'POST',
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

export interface Stage {
  name: string;
  status: 'pending' | 'running' | 'done' | 'failed' | 'skipped';
  progress: number;
  error?: string;
}

export interface Project {
  id: string;
  name: string;
  status: 'queued' | 'running' | 'paused' | 'failed' | 'done';
  createdAt: string;
  updatedAt: string;
  options: { theme: string; provider: string; crew: string; renderer: string; aspect: string };
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
  evaluation?: {
    score: number;
    passed: boolean;
    summary: string;
    components?: Record<string, number>;
    issues: Array<{ kind: string; message: string; severity: string }>;
    plotUrl?: string;
  };
  downloadUrl?: string;
}

export interface Decision {
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
  maxUploadBytes: number;
}

export interface Estimate {
  provider: string;
  shots: number;
  seconds: number;
  usd: number;
  exact: boolean;
}
