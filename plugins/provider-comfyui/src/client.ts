import type { Logger } from '@beatframe/core';
import WebSocket from 'ws';
import { ComfyHttpError } from './errors.js';
import type { ApiWorkflow } from './workflow.js';

/** ComfyUI's HTTP API (server.py): the few routes the plugin needs, with typed answers. */

/** A queue item as GET /queue lists it: [number, prompt_id, prompt, extra_data, outputs_to_execute]. */
type QueueItem = [number, string, ...unknown[]];
export interface QueueState {
  queue_running: QueueItem[];
  queue_pending: QueueItem[];
}

/** One file a node saved: `images`, `gifs` or `videos` entries of a history output. */
export interface SavedFile {
  filename: string;
  subfolder?: string;
  type?: string;
  format?: string;
}

/** A GET /history/{id} entry. */
export interface HistoryEntry {
  outputs?: Record<string, Record<string, unknown>>;
  status?: {
    status_str?: 'success' | 'error';
    completed?: boolean;
    messages?: Array<[string, Record<string, unknown>]>;
  };
}

export interface ComfyClientOptions {
  baseUrl: string;
  token?: string | undefined;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

export class ComfyClient {
  constructor(private readonly o: ComfyClientOptions) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.o.token ? { authorization: `Bearer ${this.o.token}` } : {}), ...extra };
  }

  private async call(path: string, init: RequestInit = {}): Promise<Response> {
    const timeout = AbortSignal.timeout(this.o.timeoutMs);
    const res = await fetch(`${this.o.baseUrl}${path}`, {
      ...init,
      headers: this.headers((init.headers ?? {}) as Record<string, string>),
      signal: this.o.signal ? AbortSignal.any([this.o.signal, timeout]) : timeout,
    });
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {}
      throw new ComfyHttpError(res.status, body, path.replace(/\?.*$/, ''));
    }
    return res;
  }

  private async json<T>(path: string, body?: unknown): Promise<T> {
    const res = await this.call(
      path,
      body === undefined
        ? {}
        : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );
    const text = await res.text();
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** POST /prompt: queues a workflow under our prompt id (ComfyUI takes a client-chosen `prompt_id`). */
  queuePrompt(body: {
    prompt: ApiWorkflow;
    client_id: string;
    prompt_id: string;
    extra_data?: Record<string, unknown>;
  }): Promise<{ prompt_id: string; number: number; node_errors?: unknown }> {
    return this.json('/prompt', body);
  }

  queue(): Promise<QueueState> {
    return this.json('/queue');
  }

  /** The prompt's history entry, or undefined while it is queued, running, or unknown to the server. */
  async history(promptId: string): Promise<HistoryEntry | undefined> {
    const all = await this.json<Record<string, HistoryEntry>>(`/history/${encodeURIComponent(promptId)}`);
    return all[promptId];
  }

  /** GET /view: one saved file's bytes, as a stream. */
  async view(file: SavedFile): Promise<ReadableStream<Uint8Array>> {
    const q = new URLSearchParams({
      filename: file.filename,
      subfolder: file.subfolder ?? '',
      type: file.type ?? 'output',
    });
    const res = await this.call(`/view?${q}`);
    if (!res.body) throw new ComfyHttpError(502, 'empty body', '/view');
    return res.body;
  }

  /** POST /upload/image (multipart, as the web UI sends it): returns the name LoadImage takes. */
  async uploadImage(bytes: Buffer, filename: string, subfolder: string): Promise<string> {
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), filename);
    form.append('type', 'input');
    form.append('subfolder', subfolder);
    form.append('overwrite', 'true');
    const res = await this.call('/upload/image', { method: 'POST', body: form });
    const out = (await res.json()) as { name: string; subfolder?: string };
    return out.subfolder ? `${out.subfolder}/${out.name}` : out.name;
  }

  /** POST /queue {delete}: takes a pending prompt off the queue (no effect on a running one). */
  async deleteFromQueue(promptId: string): Promise<void> {
    await this.call('/queue', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ delete: [promptId] }),
    });
  }

  /** POST /interrupt {prompt_id}: stops the running prompt (servers since 2025 only if it is this one). */
  async interrupt(promptId: string): Promise<void> {
    await this.call('/interrupt', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt_id: promptId }),
    });
  }
}

/** What the websocket has told us about one prompt. */
export interface LiveState {
  phase: 'running' | 'success' | 'error' | 'interrupted';
  /** Nodes served from the cache, and nodes started (the last of them is running). */
  cached: number;
  started: number;
  /** The running node's step counter (`progress` messages), e.g. sampler steps. */
  value: number;
  max: number;
  error?: Record<string, unknown>;
}

/**
 * ComfyUI's websocket (`/ws?clientId=`) for one client id: the server sends a prompt's execution messages to
 * the client that queued it. A resumed worker reconnects with the client id stored in the job reference, so its
 * progress keeps coming. The socket never keeps the process alive, and closes when no prompt is being followed.
 */
export class ProgressChannel {
  private ws: WebSocket | undefined;
  private lastAttempt = 0;
  private readonly states = new Map<string, LiveState>();
  private readonly followed = new Set<string>();
  connected = false;

  constructor(
    private readonly url: string,
    private readonly token: string | undefined,
    private readonly logger: Logger,
  ) {}

  /** Starts following a prompt (connecting if needed; a failed connection is retried at most every 5 s). */
  follow(promptId: string): void {
    this.followed.add(promptId);
    if (this.ws || Date.now() - this.lastAttempt < 5000) return;
    this.lastAttempt = Date.now();
    const ws = new WebSocket(this.url, {
      headers: this.token ? { authorization: `Bearer ${this.token}` } : {},
      handshakeTimeout: 5000,
    });
    this.ws = ws;
    ws.on('upgrade', (res) => res.socket.unref());
    ws.on('open', () => {
      this.connected = true;
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return; // preview images
      try {
        this.onMessage(JSON.parse(data.toString()) as { type: string; data: Record<string, unknown> });
      } catch {}
    });
    ws.on('error', (err) =>
      this.logger.debug({ err: err.message }, 'ComfyUI websocket error; polling instead'),
    );
    ws.on('close', () => {
      // The server went away (maybe restarted): what it said about running prompts no longer holds.
      for (const [id, st] of this.states) if (st.phase === 'running') this.states.delete(id);
      this.connected = false;
      if (this.ws === ws) this.ws = undefined;
    });
  }

  /** Stops following a prompt; the socket closes when none is left. */
  forget(promptId: string): void {
    this.followed.delete(promptId);
    this.states.delete(promptId);
    if (this.followed.size === 0) this.close();
  }

  state(promptId: string): LiveState | undefined {
    return this.states.get(promptId);
  }

  close(): void {
    this.ws?.close();
    this.ws = undefined;
    this.connected = false;
  }

  private onMessage(msg: { type: string; data: Record<string, unknown> }): void {
    const id = msg.data?.prompt_id as string | undefined;
    if (!id || !this.followed.has(id)) return;
    const st = this.states.get(id) ?? { phase: 'running', cached: 0, started: 0, value: 0, max: 0 };
    switch (msg.type) {
      case 'execution_start':
        break;
      case 'execution_cached':
        st.cached += Array.isArray(msg.data.nodes) ? msg.data.nodes.length : 0;
        break;
      case 'executing':
        // `node: null` ends the prompt (older servers send no execution_success).
        if (msg.data.node === null) st.phase = st.phase === 'running' ? 'success' : st.phase;
        else {
          st.started++;
          st.value = 0;
          st.max = 0;
        }
        break;
      case 'progress':
        st.value = Number(msg.data.value ?? 0);
        st.max = Number(msg.data.max ?? 0);
        break;
      case 'execution_success':
        st.phase = 'success';
        break;
      case 'execution_error':
        st.phase = 'error';
        st.error = msg.data;
        break;
      case 'execution_interrupted':
        st.phase = 'interrupted';
        st.error = msg.data;
        break;
      default:
        return;
    }
    this.states.set(id, st);
  }
}

/** The share of a running prompt done: finished nodes plus the running node's steps, over the workflow's nodes. */
export function liveFraction(st: LiveState, nodeCount: number): number {
  const step = st.max > 0 ? st.value / st.max : 0;
  return Math.max(0, Math.min(1, (st.cached + Math.max(0, st.started - 1) + step) / Math.max(1, nodeCount)));
}
