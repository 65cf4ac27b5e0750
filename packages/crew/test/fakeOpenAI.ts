import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local OpenAI-compatible server for tests: POST /v1/responses and /v1/chat/completions answer
 * scripted replies in each API's wire format (structured output as message text, refusals, HTTP
 * errors with Retry-After, slow answers). The crew under test uses the real OpenAI SDK against it.
 */
export type Reply =
  | { json: unknown; usage?: { input: number; output: number } }
  | { text: string; usage?: { input: number; output: number } }
  | { refusal: string }
  | { status: number; retryAfter?: string; message?: string; code?: string }
  | { delayMs: number; reply: Reply };

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  at: number;
}

export interface FakeOpenAI {
  baseURL: string;
  requests: RecordedRequest[];
  /** Replies used in order; when empty, `fallback` answers. */
  queue: Array<Reply | ((req: RecordedRequest) => Reply)>;
  fallback: (req: RecordedRequest) => Reply;
  close(): Promise<void>;
}

let seq = 0;

function responsesBody(model: string, reply: Reply): unknown {
  const usage = 'usage' in reply && reply.usage ? reply.usage : { input: 120, output: 80 };
  const content =
    'refusal' in reply
      ? [{ type: 'refusal', refusal: reply.refusal }]
      : [
          {
            type: 'output_text',
            text: 'json' in reply ? JSON.stringify(reply.json) : (reply as { text: string }).text,
            annotations: [],
          },
        ];
  seq++;
  return {
    id: `resp_${seq}`,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'completed',
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model,
    output: [{ type: 'message', id: `msg_${seq}`, status: 'completed', role: 'assistant', content }],
    parallel_tool_calls: true,
    temperature: 1,
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    store: false,
    usage: {
      input_tokens: usage.input,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: usage.output,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: usage.input + usage.output,
    },
  };
}

function chatBody(model: string, reply: Reply): unknown {
  const usage = 'usage' in reply && reply.usage ? reply.usage : { input: 120, output: 80 };
  seq++;
  const message =
    'refusal' in reply
      ? { role: 'assistant', content: null, refusal: reply.refusal, annotations: [] }
      : {
          role: 'assistant',
          content: 'json' in reply ? JSON.stringify(reply.json) : (reply as { text: string }).text,
          refusal: null,
          annotations: [],
        };
  return {
    id: `chatcmpl-${seq}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: 'stop' }],
    usage: {
      prompt_tokens: usage.input,
      completion_tokens: usage.output,
      total_tokens: usage.input + usage.output,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    },
    system_fingerprint: null,
  };
}

export async function startFakeOpenAI(
  fallback: (req: RecordedRequest) => Reply = () => ({ json: {} }),
): Promise<FakeOpenAI> {
  const state: Omit<FakeOpenAI, 'baseURL' | 'close'> = { requests: [], queue: [], fallback };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      return res.end(
        JSON.stringify({
          error: { message: 'invalid JSON body', type: 'invalid_request_error', param: null, code: null },
        }),
      );
    }
    const path = (req.url ?? '').split('?')[0] ?? '';
    const rec: RecordedRequest = { path, headers: req.headers, body, at: Date.now() };
    state.requests.push(rec);
    if (req.method !== 'POST' || !/\/(responses|chat\/completions)$/.test(path)) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end(
        JSON.stringify({
          error: { message: `no route ${path}`, type: 'invalid_request_error', param: null, code: null },
        }),
      );
    }
    if (req.headers.authorization !== 'Bearer sk-test-crew-key-123') {
      res.writeHead(401, { 'content-type': 'application/json' });
      return res.end(
        JSON.stringify({
          error: {
            message: 'Incorrect API key provided',
            type: 'invalid_request_error',
            param: null,
            code: 'invalid_api_key',
          },
        }),
      );
    }
    const next = state.queue.shift() ?? state.fallback;
    let reply = typeof next === 'function' ? next(rec) : next;
    while ('delayMs' in reply) {
      const wait = reply.delayMs;
      reply = reply.reply;
      await new Promise((r) => setTimeout(r, wait));
      if (res.destroyed || req.socket.destroyed) return;
    }
    if ('status' in reply) {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'x-request-id': `req_${seq}`,
      };
      if (reply.retryAfter) headers['retry-after'] = reply.retryAfter;
      res.writeHead(reply.status, headers);
      return res.end(
        JSON.stringify({
          error: {
            message: reply.message ?? 'Rate limit reached for requests',
            type: 'requests',
            param: null,
            code: reply.code ?? 'rate_limit_exceeded',
          },
        }),
      );
    }
    const model = String(body.model ?? 'unknown');
    const out = path.endsWith('/responses') ? responsesBody(model, reply) : chatBody(model, reply);
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `req_${seq}` });
    res.end(JSON.stringify(out));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    baseURL: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  }) as FakeOpenAI;
}

/** The last user message's text, whichever API the request used. */
export function lastUserText(req: RecordedRequest): string {
  const items = (req.body.input ?? req.body.messages) as Array<{ role: string; content: unknown }> | string;
  if (typeof items === 'string') return items;
  const users = items.filter((m) => m.role === 'user');
  const last = users[users.length - 1];
  if (!last) return '';
  if (typeof last.content === 'string') return last.content;
  return (last.content as Array<{ type: string; text?: string }>)
    .filter((c) => c.type === 'input_text' || c.type === 'text')
    .map((c) => c.text ?? '')
    .join('');
}

/** The first user message's text: the crew's request (later ones are validation feedback). */
export function firstUserText(req: RecordedRequest): string {
  const items = (req.body.input ?? req.body.messages) as Array<{ role: string; content: unknown }>;
  const first = items.find((m) => m.role === 'user');
  if (!first) return '';
  if (typeof first.content === 'string') return first.content;
  return (first.content as Array<{ type: string; text?: string }>)
    .filter((c) => c.type === 'input_text' || c.type === 'text')
    .map((c) => c.text ?? '')
    .join('');
}

/** Images a request carries, as data URLs (Responses: input_image.image_url; Chat: image_url.url). */
export function requestImages(req: RecordedRequest): string[] {
  const items = (req.body.input ?? req.body.messages) as Array<{ content: unknown }>;
  const out: string[] = [];
  for (const m of items) {
    if (!Array.isArray(m.content)) continue;
    for (const c of m.content as Array<Record<string, unknown>>) {
      if (c.type === 'input_image' && typeof c.image_url === 'string') out.push(c.image_url);
      if (c.type === 'image_url') out.push(String((c.image_url as { url?: string })?.url ?? ''));
    }
  }
  return out;
}
