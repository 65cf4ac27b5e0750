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

/** The JSON shapes, from the API's own schemas (type-only: nothing of the server reaches the browser). */
export type {
  Decision,
  Estimate,
  EtaTable,
  Options,
  Project,
  ProjectDetail,
  ProviderInfo,
  Shot,
  Stage,
  Storyboard,
  Take,
  TimelineView,
  Version,
} from '@beatframe/api/types';
