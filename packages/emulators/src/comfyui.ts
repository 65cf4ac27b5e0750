/** A local ComfyUI server (HTTP and WebSocket) for tests. Over 400 lines because it is one server closure whose routes and queue worker share the prompts, history and files, as ComfyUI does. */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize, relative, sep } from 'node:path';
import { sleep } from '@beatframe/core';
import { runFfmpeg } from '@beatframe/media';
import { WebSocket, WebSocketServer } from 'ws';
import {
  DEFAULT_MODEL_FILES,
  type InputSpec,
  type ModelFiles,
  type NodeClass,
  nodeClasses,
  TIME_COMPRESSION,
} from './comfyui-nodes.js';
import { closeEmulator, emulatorFaults, listenLocal, readBodyBytes, sendClip, sendJson } from './http.js';

/**
 * A local ComfyUI server, shaped after ComfyUI's server.py and execution.py: `POST /prompt` validates an API-format
 * workflow against its installed node classes (comfyui-nodes.ts) the way validate_prompt does (unknown class →
 * `missing_node_type`; bad inputs → 400 `prompt_outputs_failed_validation` with `node_errors`), accepts a
 * client-chosen `prompt_id`, and queues it; one "GPU" runs one prompt at a time, sending `execution_start`,
 * `executing`, `progress` (sampler steps), `executed`, `execution_success` (or `execution_error` /
 * `execution_interrupted`) to the queuing client's websocket (`/ws?clientId=`); `GET /queue`, `GET /history/{id}`,
 * `GET /view`, `POST /upload/image`, `POST /interrupt`, `POST /queue {delete}`. The saved video is a real H.264 MP4
 * made by ffmpeg with the frame count the latent node's length gives (LTX 8k+1, Wan 4k+1, rounded down as the
 * models do), at the size and frame rate the workflow asks. `restart()` loses the queue and the history, as a
 * restarted server does; files on disk stay.
 */

export interface ComfyFault {
  status: number;
  body?: unknown;
}
export type ComfyRoute = 'prompt' | 'queue' | 'history' | 'view' | 'upload';
type Json = Record<string, unknown>;
type Node = { class_type: string; inputs: Record<string, unknown>; _meta?: { title?: string } };

interface Item {
  number: number;
  id: string;
  prompt: Record<string, Node>;
  extra: Json;
  outputs: string[];
  fail?: { exception_type: string; exception_message: string } | 'interrupt';
}

export interface ComfyUIEmulatorOptions {
  /** Time one prompt takes on the "GPU", ms (default 1500). */
  latencyMs?: number;
  /** Model files the loaders list (default: those of the bundled workflows). */
  models?: Partial<ModelFiles>;
  /** Require `Authorization: Bearer <token>` (a server behind an authenticating proxy). */
  token?: string;
  port?: number;
}

export interface ComfyUIEmulator {
  baseUrl: string;
  /** Prompts accepted, in order, with the filled workflow each carried. */
  accepted: Array<{ prompt_id: string; client_id?: string; prompt: Record<string, Node> }>;
  stats: {
    prompts: number;
    refused: number;
    runs: number;
    uploads: number;
    views: number;
    interrupts: number;
    deletions: number;
    restarts: number;
    sockets: number;
    /** GET /queue and GET /history/{id}: a client looking at a prompt it queued. */
    statusReads: number;
  };
  /** Validation answers (400 bodies) given, newest last. */
  refusals: unknown[];
  failNext(route: ComfyRoute, fault: ComfyFault, times?: number): void;
  /** The next prompt to run fails in its first sampler with this exception (e.g. torch.OutOfMemoryError). */
  failNextJob(e: { exception_type: string; exception_message: string }): void;
  /** The next prompt to run is interrupted in its sampler (someone pressed Cancel in the UI). */
  interruptNextJob(): void;
  corruptNextDownload(times?: number): void;
  clearFaults(): void;
  /** The server restarts: queue and history are lost, websockets drop; files on disk stay. */
  restart(): void;
  /** Prompts waiting and running now. */
  queueLength(): number;
  close(): Promise<void>;
}

export async function startComfyUIEmulator(opts: ComfyUIEmulatorOptions = {}): Promise<ComfyUIEmulator> {
  const latencyMs = opts.latencyMs ?? 1500;
  const files: ModelFiles = { ...DEFAULT_MODEL_FILES, ...opts.models };
  const dir = mkdtempSync(join(tmpdir(), 'bf-comfyui-emulator-'));
  for (const d of ['input', 'output']) mkdirSync(join(dir, d));
  const inputs = (): string[] => {
    const out: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else out.push(relative(join(dir, 'input'), p).split(sep).join('/'));
      }
    };
    walk(join(dir, 'input'));
    return out;
  };
  const classes = () => nodeClasses(files, inputs);
  const faults = emulatorFaults<ComfyRoute, ComfyFault, NonNullable<Item['fail']>>();
  const sockets = new Map<string, WebSocket>();
  const pending: Item[] = [];
  let running: { item: Item; interrupted: boolean } | undefined;
  const history = new Map<string, Json>();
  const counters = new Map<string, number>();
  let number = 0;
  let epoch = 0;
  let busy = false;
  const emu: Omit<ComfyUIEmulator, 'baseUrl' | 'close'> & { baseUrl: string } = {
    baseUrl: '',
    accepted: [],
    refusals: [],
    stats: {
      prompts: 0,
      refused: 0,
      runs: 0,
      uploads: 0,
      views: 0,
      interrupts: 0,
      deletions: 0,
      restarts: 0,
      sockets: 0,
      statusReads: 0,
    },
    ...faults.controls,
    interruptNextJob: () => faults.controls.failNextJob('interrupt'),
    restart() {
      epoch++;
      emu.stats.restarts++;
      pending.length = 0;
      running = undefined;
      busy = false;
      history.clear();
      number = 0;
      for (const ws of sockets.values()) ws.terminate();
      sockets.clear();
    },
    queueLength: () => pending.length + (running ? 1 : 0),
  };

  function send(sid: unknown, type: string, data: Json): void {
    const ws = typeof sid === 'string' ? sockets.get(sid) : undefined;
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type, data }));
  }
  function broadcastStatus(): void {
    const data = { status: { exec_info: { queue_remaining: pending.length + (running ? 1 : 0) } } };
    for (const ws of sockets.values())
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'status', data }));
  }

  /** validate_prompt: the outputs to run, or the 400 body ComfyUI answers. */
  function validate(prompt: Record<string, Node>): { outputs: string[] } | { body: Json } {
    const cls = classes();
    for (const [id, n] of Object.entries(prompt)) {
      if (!n || typeof n !== 'object' || !('class_type' in n))
        return {
          body: {
            error: {
              type: 'invalid_prompt',
              message: 'Cannot execute because a node is missing the class_type property.',
              details: `Node ID '#${id}'`,
              extra_info: {},
            },
            node_errors: {},
          },
        };
      if (!cls[n.class_type])
        return {
          body: {
            error: {
              type: 'missing_node_type',
              message: `Node '${n._meta?.title ?? n.class_type}' not found. The custom node may not be installed.`,
              details: `Node ID '#${id}'`,
              extra_info: {
                node_id: id,
                class_type: n.class_type,
                node_title: n._meta?.title ?? n.class_type,
              },
            },
            node_errors: {},
          },
        };
    }
    const outputs = Object.keys(prompt).filter((id) => cls[prompt[id]!.class_type]!.outputNode);
    if (!outputs.length)
      return {
        body: {
          error: { type: 'prompt_no_outputs', message: 'Prompt has no outputs', details: '', extra_info: {} },
          node_errors: [],
        },
      };
    const nodeErrors: Record<string, Json> = {};
    const seen = new Set<string>();
    const visit = (id: string, out: string) => {
      if (seen.has(id)) return;
      seen.add(id);
      const n = prompt[id]!;
      const c = cls[n.class_type]!;
      const errs: Json[] = [];
      const err = (type: string, message: string, details: string, name: string, extra: Json = {}) =>
        errs.push({ type, message, details, extra_info: { input_name: name, ...extra } });
      const check = (name: string, spec: InputSpec, required: boolean) => {
        const v = n.inputs[name];
        if (v === undefined) {
          if (required) err('required_input_missing', 'Required input is missing', name, name);
          return;
        }
        const [type, o = {}] = spec;
        if (Array.isArray(v)) {
          const src = prompt[String(v[0])];
          if (v.length !== 2 || !src || !cls[src.class_type])
            return err(
              'bad_linked_input',
              'Bad linked input, must be a length-2 list of [node_id, slot_index]',
              name,
              name,
            );
          const got = cls[src.class_type]!.output[Number(v[1])];
          if (typeof type === 'string' && got !== type)
            return err(
              'return_type_mismatch',
              'Return type mismatch between linked nodes',
              `${name}, received_type(${got}) mismatch input_type(${type})`,
              name,
            );
          visit(String(v[0]), out);
          return;
        }
        if (n.class_type === 'LoadImage' && name === 'image') {
          if (!existsSync(join(dir, 'input', normalize(String(v)))))
            err(
              'custom_validation_failed',
              'Custom validation failed for node',
              `image - Invalid image file: ${v}`,
              name,
            );
          return;
        }
        if (Array.isArray(type)) {
          if (!type.includes(String(v)))
            err(
              'value_not_in_list',
              'Value not in list',
              `${name}: '${v}' not in ${JSON.stringify(type).slice(0, 200)}`,
              name,
              {
                received_value: v,
              },
            );
          return;
        }
        if (type === 'INT' || type === 'FLOAT') {
          const x = Number(v);
          if (typeof v === 'boolean' || !Number.isFinite(x) || (type === 'INT' && !Number.isInteger(x)))
            return err(
              'invalid_input_type',
              `Failed to convert an input value to a ${type} value`,
              `${name}, ${v}`,
              name,
            );
          if (o.min !== undefined && x < o.min)
            err('value_smaller_than_min', `Value ${x} smaller than min of ${o.min}`, name, name);
          if (o.max !== undefined && x > o.max)
            err('value_bigger_than_max', `Value ${x} bigger than max of ${o.max}`, name, name);
          return;
        }
        if (type === 'STRING' && typeof v !== 'string')
          return err('invalid_input_type', 'Failed to convert an input value to a STRING value', name, name);
        if (type === 'BOOLEAN' && typeof v !== 'boolean')
          return err('invalid_input_type', 'Failed to convert an input value to a BOOLEAN value', name, name);
        if (!['STRING', 'BOOLEAN'].includes(type))
          err('bad_linked_input', `Input ${name} must be linked to a ${type} output`, name, name);
      };
      for (const [name, spec] of Object.entries(c.required)) check(name, spec, true);
      for (const [name, spec] of Object.entries(c.optional ?? {})) check(name, spec, false);
      if (errs.length) {
        const prev = nodeErrors[id] as { dependent_outputs: string[] } | undefined;
        nodeErrors[id] = {
          errors: errs,
          dependent_outputs: [...(prev?.dependent_outputs ?? []), out],
          class_type: n.class_type,
        };
      }
    };
    for (const out of outputs) {
      seen.clear();
      visit(out, out);
    }
    if (Object.keys(nodeErrors).length)
      return {
        body: {
          error: {
            type: 'prompt_outputs_failed_validation',
            message: 'Prompt outputs failed validation',
            details: '',
            extra_info: {},
          },
          node_errors: nodeErrors,
        },
      };
    return { outputs };
  }

  /** The nodes an output needs, dependencies first. */
  function order(prompt: Record<string, Node>, outputs: string[]): string[] {
    const out: string[] = [];
    const visit = (id: string) => {
      if (out.includes(id)) return;
      for (const v of Object.values(prompt[id]!.inputs)) if (Array.isArray(v)) visit(String(v[0]));
      out.push(id);
    };
    for (const o of outputs) visit(o);
    return out;
  }

  /** The node upstream of `id` (itself included) that `pick` accepts. */
  function upstream(prompt: Record<string, Node>, id: string, pick: (n: Node) => boolean): Node | undefined {
    const todo = [id];
    const seen = new Set<string>();
    while (todo.length) {
      const cur = todo.shift()!;
      if (seen.has(cur)) continue;
      seen.add(cur);
      const n = prompt[cur];
      if (!n) continue;
      if (pick(n)) return n;
      for (const v of Object.values(n.inputs)) if (Array.isArray(v)) todo.push(String(v[0]));
    }
    return undefined;
  }

  /** SaveVideo: a real MP4 with the frames, size and rate the graph asks for. */
  async function save(item: Item, id: string): Promise<Json> {
    const latent = upstream(item.prompt, id, (n) => n.class_type in TIME_COMPRESSION)!;
    const q = TIME_COMPRESSION[latent.class_type]!;
    const side = q === 8 ? 32 : 16;
    const width = Math.floor(Number(latent.inputs.width) / side) * side;
    const height = Math.floor(Number(latent.inputs.height) / side) * side;
    const frames = Math.floor((Number(latent.inputs.length) - 1) / q) * q + 1;
    const fps = Number(upstream(item.prompt, id, (n) => n.class_type === 'CreateVideo')?.inputs.fps ?? 24);
    const prefix = String(item.prompt[id]!.inputs.filename_prefix ?? 'ComfyUI');
    const seedNode = upstream(item.prompt, id, (n) => 'noise_seed' in n.inputs || 'seed' in n.inputs);
    const seed = Number(seedNode?.inputs.noise_seed ?? seedNode?.inputs.seed ?? 0) || 0;
    const subfolder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const base = prefix.slice(prefix.lastIndexOf('/') + 1);
    const n = (counters.get(prefix) ?? 0) + 1;
    counters.set(prefix, n);
    const filename = `${base}_${String(n).padStart(5, '0')}_.mp4`;
    mkdirSync(join(dir, 'output', subfolder), { recursive: true });
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      // A scrolling test pattern: real motion, so a reviewer measuring it sees a moving shot.
      `testsrc2=size=${width}x${height}:rate=${fps},scroll=h=${0.01 + (seed % 7) / 400}:v=0.006`,
      '-frames:v',
      String(frames),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-movflags',
      '+faststart',
      join(dir, 'output', subfolder, filename),
    ]);
    return { images: [{ filename, subfolder, type: 'output' }], animated: [true] };
  }

  async function run(item: Item): Promise<void> {
    const my = epoch;
    const live = () => my === epoch;
    const sid = item.extra.client_id;
    const messages: Array<[string, Json]> = [];
    const tell = (type: string, data: Json) => {
      if (!live()) return;
      if (type.startsWith('execution_')) messages.push([type, data]);
      send(sid, type, data);
    };
    const cls = classes();
    const nodes = order(item.prompt, item.outputs);
    const samplers = nodes.filter((id) => cls[item.prompt[id]!.class_type]!.steps);
    const stepMs = (latencyMs * 0.85) / Math.max(1, samplers.length) / 10;
    const restMs = (latencyMs * 0.15) / Math.max(1, nodes.length);
    const outputs: Record<string, Json> = {};
    const executed: string[] = [];
    emu.stats.runs++;
    tell('execution_start', { prompt_id: item.id, timestamp: Date.now() });
    tell('execution_cached', { nodes: [], prompt_id: item.id, timestamp: Date.now() });
    const finish = (status: 'success' | 'error') => {
      if (!live()) return;
      history.set(item.id, {
        prompt: [item.number, item.id, item.prompt, item.extra, item.outputs],
        outputs,
        status: { status_str: status, completed: status === 'success', messages },
        meta: Object.fromEntries(
          Object.keys(outputs).map((id) => [
            id,
            { node_id: id, display_node: id, parent_node: null, real_node_id: id },
          ]),
        ),
      });
    };
    for (const id of nodes) {
      if (!live()) return;
      const node = item.prompt[id]!;
      const c = cls[node.class_type]!;
      tell('executing', { node: id, display_node: id, prompt_id: item.id });
      if (c.steps) {
        const steps = Math.max(1, Number(node.inputs.steps ?? 10));
        for (let i = 1; i <= 10; i++) {
          await sleep(stepMs);
          if (!live()) return;
          if (running?.interrupted || (item.fail && i === 3)) {
            const base = {
              prompt_id: item.id,
              node_id: id,
              node_type: node.class_type,
              executed,
              timestamp: Date.now(),
            };
            if (running?.interrupted || item.fail === 'interrupt') tell('execution_interrupted', base);
            else if (item.fail)
              tell('execution_error', {
                ...base,
                exception_type: item.fail.exception_type,
                exception_message: item.fail.exception_message,
                traceback: ['  File "execution.py", line 496, in execute\n'],
                current_inputs: {},
                current_outputs: {},
              });
            finish('error');
            tell('executing', { node: null, display_node: null, prompt_id: item.id });
            return;
          }
          tell('progress', { value: Math.round((i * steps) / 10), max: steps, prompt_id: item.id, node: id });
        }
      } else await sleep(restMs);
      if (c.outputNode) {
        const ui = await save(item, id);
        if (!live()) return;
        outputs[id] = ui;
        tell('executed', { node: id, display_node: id, output: ui, prompt_id: item.id });
      }
      executed.push(id);
    }
    tell('execution_success', { prompt_id: item.id, timestamp: Date.now() });
    finish('success');
    tell('executing', { node: null, display_node: null, prompt_id: item.id });
  }

  async function work(): Promise<void> {
    if (busy) return;
    busy = true;
    const my = epoch;
    try {
      while (my === epoch && pending.length) {
        pending.sort((a, b) => a.number - b.number);
        const item = pending.shift()!;
        running = { item, interrupted: false };
        broadcastStatus();
        await run(item).catch(() => {});
        if (my !== epoch) return;
        running = undefined;
        broadcastStatus();
      }
    } finally {
      if (my === epoch) busy = false;
    }
  }

  const queueItem = (i: Item) => [i.number, i.id, i.prompt, i.extra, i.outputs];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const path = url.pathname.replace(/^\/api(?=\/)/, '');
    if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`)
      return sendJson(res, 401, { error: 'Unauthorized' });
    const fault = (route: ComfyRoute) => {
      const f = faults.take(route);
      if (f) sendJson(res, f.status, f.body ?? { error: 'Internal Server Error' });
      return !!f;
    };
    if (req.method === 'POST' && path === '/prompt') {
      const body = JSON.parse((await readBodyBytes(req)).toString('utf8') || '{}') as Json;
      if (fault('prompt')) return;
      if (!body.prompt)
        return sendJson(res, 400, {
          error: {
            type: 'no_prompt',
            message: 'No prompt provided',
            details: 'No prompt provided',
            extra_info: {},
          },
          node_errors: {},
        });
      const prompt = body.prompt as Record<string, Node>;
      const v = validate(prompt);
      if ('body' in v) {
        emu.stats.refused++;
        emu.refusals.push(v.body);
        return sendJson(res, 400, v.body);
      }
      const id = String(body.prompt_id ?? randomUUID());
      const extra = {
        ...((body.extra_data as Json) ?? {}),
        ...(body.client_id ? { client_id: body.client_id } : {}),
      };
      const item: Item = { number: number++, id, prompt, extra, outputs: v.outputs };
      const jf = faults.nextJob();
      if (jf) item.fail = jf;
      pending.push(item);
      emu.stats.prompts++;
      emu.accepted.push({
        prompt_id: id,
        ...(body.client_id ? { client_id: String(body.client_id) } : {}),
        prompt,
      });
      broadcastStatus();
      void work();
      return sendJson(res, 200, { prompt_id: id, number: item.number, node_errors: {} });
    }
    if (req.method === 'GET' && path === '/prompt')
      return sendJson(res, 200, { exec_info: { queue_remaining: pending.length + (running ? 1 : 0) } });
    if (req.method === 'GET' && path === '/queue') {
      if (fault('queue')) return;
      emu.stats.statusReads++;
      return sendJson(res, 200, {
        queue_running: running ? [queueItem(running.item)] : [],
        queue_pending: pending.map(queueItem),
      });
    }
    if (req.method === 'POST' && path === '/queue') {
      const body = JSON.parse((await readBodyBytes(req)).toString('utf8') || '{}') as Json;
      if (body.clear) pending.length = 0;
      for (const id of (body.delete as string[] | undefined) ?? []) {
        const at = pending.findIndex((i) => i.id === id);
        if (at >= 0) {
          pending.splice(at, 1);
          emu.stats.deletions++;
        }
      }
      broadcastStatus();
      res.writeHead(200).end();
      return;
    }
    if (req.method === 'POST' && path === '/interrupt') {
      const text = (await readBodyBytes(req)).toString('utf8');
      const body = (text ? JSON.parse(text) : {}) as Json;
      // Since 2025 a prompt_id interrupts only that prompt; without one, whatever runs.
      if (running && (!body.prompt_id || body.prompt_id === running.item.id)) {
        running.interrupted = true;
        emu.stats.interrupts++;
      }
      res.writeHead(200).end();
      return;
    }
    const hist = /^\/history(?:\/([^/]+))?$/.exec(path);
    if (req.method === 'GET' && hist) {
      if (fault('history')) return;
      if (!hist[1]) return sendJson(res, 200, Object.fromEntries(history));
      emu.stats.statusReads++;
      const h = history.get(decodeURIComponent(hist[1]));
      return sendJson(res, 200, h ? { [decodeURIComponent(hist[1])]: h } : {});
    }
    if (req.method === 'GET' && path === '/view') {
      emu.stats.views++;
      if (fault('view')) return;
      const type = url.searchParams.get('type') || 'output';
      const file = normalize(
        join(url.searchParams.get('subfolder') ?? '', url.searchParams.get('filename') ?? ''),
      );
      if (
        !['output', 'input', 'temp'].includes(type) ||
        file.startsWith('..') ||
        !existsSync(join(dir, type, file))
      )
        return void res.writeHead(404).end();
      return sendClip(res, join(dir, type, file), faults.downloads.corrupted());
    }
    if (req.method === 'POST' && path === '/upload/image') {
      const bytes = await readBodyBytes(req);
      if (fault('upload')) return;
      const form = await new Request('http://emulator/upload/image', {
        method: 'POST',
        headers: { 'content-type': String(req.headers['content-type'] ?? '') },
        body: new Uint8Array(bytes),
      }).formData();
      const image = form.get('image');
      if (!(image instanceof Blob)) return void res.writeHead(400).end();
      const subfolder = String(form.get('subfolder') ?? '');
      const type = String(form.get('type') ?? 'input');
      let name = (image as File).name || 'image.png';
      const folder = join(dir, type === 'temp' ? 'input' : 'input', normalize(subfolder));
      mkdirSync(folder, { recursive: true });
      if (form.get('overwrite') !== 'true')
        for (let i = 1; existsSync(join(folder, name)); i++)
          name = name.replace(/( \(\d+\))?(\.\w+)$/, ` (${i})$2`);
      await writeFile(join(folder, name), new Uint8Array(await image.arrayBuffer()));
      emu.stats.uploads++;
      return sendJson(res, 200, { name, subfolder, type });
    }
    if (req.method === 'GET' && path.startsWith('/object_info')) {
      const all = classes();
      const one = path.split('/')[2];
      const pick = one ? (all[one] ? { [one]: all[one] } : {}) : all;
      return sendJson(
        res,
        200,
        Object.fromEntries(
          Object.entries(pick).map(([k, c]: [string, NodeClass]) => [
            k,
            {
              input: { required: c.required, ...(c.optional ? { optional: c.optional } : {}) },
              output: c.output,
              name: k,
              output_node: !!c.outputNode,
            },
          ]),
        ),
      );
    }
    if (req.method === 'GET' && path === '/system_stats')
      return sendJson(res, 200, {
        system: {
          os: 'posix',
          comfyui_version: '0.3.60-emulator',
          python_version: '3.12',
          pytorch_version: '2.8.0',
        },
        devices: [
          { name: 'emulated GPU', type: 'cuda', index: 0, vram_total: 24 * 2 ** 30, vram_free: 22 * 2 ** 30 },
        ],
      });
    sendJson(res, 404, { error: `no route ${req.method} ${path}` });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => sendJson(res, 500, { error: (err as Error).message }));
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (
      url.pathname.replace(/^\/api/, '') !== '/ws' ||
      (opts.token && req.headers.authorization !== `Bearer ${opts.token}`)
    ) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const sid = url.searchParams.get('clientId') || randomUUID().replace(/-/g, '');
      sockets.get(sid)?.terminate();
      sockets.set(sid, ws);
      emu.stats.sockets++;
      ws.on('close', () => sockets.get(sid) === ws && sockets.delete(sid));
      ws.send(
        JSON.stringify({
          type: 'status',
          data: { status: { exec_info: { queue_remaining: pending.length + (running ? 1 : 0) } }, sid },
        }),
      );
    });
  });
  emu.baseUrl = await listenLocal(server, opts.port ?? 0);
  return Object.assign(emu, {
    close: async () => {
      emu.restart();
      emu.stats.restarts--;
      wss.close();
      await closeEmulator(server, dir);
    },
  });
}
