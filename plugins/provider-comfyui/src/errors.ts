import { oneLine, ProviderError, passThroughError, providerErrorKindForStatus } from '@beatframe/core';

/** A non-2xx answer from the ComfyUI server (or a proxy in front of it), with its body. */
export class ComfyHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly path: string,
  ) {
    super(`HTTP ${status} from ${path}`);
    this.name = 'ComfyHttpError';
  }
}

/** ComfyUI's validation answer to POST /prompt: `{ error: {type, message, details}, node_errors: {id: …} }`. */
interface PromptRefusal {
  error?:
    | { type?: string; message?: string; details?: string; extra_info?: Record<string, unknown> }
    | string;
  node_errors?: Record<
    string,
    {
      class_type?: string;
      errors?: Array<{
        type?: string;
        message?: string;
        details?: string;
        extra_info?: { input_name?: string };
      }>;
    }
  >;
}

/** Where ComfyUI keeps the files each loader input lists. */
const MODEL_FOLDERS: Record<string, string> = {
  ckpt_name: 'models/checkpoints',
  unet_name: 'models/diffusion_models',
  clip_name: 'models/text_encoders',
  vae_name: 'models/vae',
  lora_name: 'models/loras',
};

/** A refused workflow in words a user can act on: the node (by title), what is wrong, and what to do. */
export function describeRefusal(body: unknown, titles: Record<string, string> = {}): string {
  const b = (body ?? {}) as PromptRefusal;
  const err = typeof b.error === 'string' ? { message: b.error } : (b.error ?? {});
  if (err.type === 'missing_node_type' || /does not exist|not found/i.test(err.message ?? ''))
    return `${oneLine(err.message ?? 'a node type is missing', 400)}: install the custom node pack that provides it (ComfyUI-Manager) or update ComfyUI`;
  const parts: string[] = [];
  for (const [id, ne] of Object.entries(b.node_errors ?? {}))
    for (const e of ne.errors ?? []) {
      const input = e.extra_info?.input_name ?? '';
      const where = `"${titles[id] ?? id}" (${ne.class_type ?? '?'})`;
      const folder = MODEL_FOLDERS[input];
      if (e.type === 'value_not_in_list' && folder)
        parts.push(
          `${where}: ${oneLine(e.details ?? '', 160)} — the model file is not installed: put it in ComfyUI/${folder}`,
        );
      else
        parts.push(
          `${where}: ${oneLine(`${e.message ?? e.type ?? 'invalid'}${e.details ? `: ${e.details}` : ''}`, 200)}`,
        );
    }
  return parts.length
    ? parts.join('; ')
    : oneLine(`${err.message ?? 'invalid workflow'}${err.details ? `: ${err.details}` : ''}`, 400);
}

/** An execution failure (websocket `execution_error` or a history message) as a classified error. */
export function executionFailure(
  e: { exception_type?: string; exception_message?: string; node_type?: string; node_id?: string },
  promptId: string,
): { kind: 'fatal' | 'retryable'; message: string; code?: string } {
  const type = e.exception_type ?? 'Exception';
  const msg = oneLine(e.exception_message ?? '', 400);
  if (/OutOfMemory|out of memory|Allocation on device/i.test(`${type} ${msg}`))
    return {
      kind: 'fatal',
      code: 'OOM',
      message: `the GPU ran out of memory in ${e.node_type ?? 'a node'} (prompt ${promptId}): use a smaller size, a shorter clip or a lighter model (--model ltx-video or wan-2.2-5b)`,
    };
  return {
    kind: 'fatal',
    code: type,
    message: `ComfyUI failed prompt ${promptId} in ${e.node_type ?? 'a node'}${e.node_id ? ` #${e.node_id}` : ''}: ${type}: ${msg}`,
  };
}

/** Maps what a call threw to a classified ProviderError (or passes on errors that already are one). */
export function toProviderError(
  err: unknown,
  ctx: { what: string; host: string; tokenEnv: string; titles?: Record<string, string> },
): Error {
  const known = passThroughError(err);
  if (known) return known;
  if (err instanceof ComfyHttpError) {
    const opts = { code: String(err.status), cause: err };
    if (err.status === 401 || err.status === 403)
      return new ProviderError(
        'auth',
        `the ComfyUI server at ${ctx.host} refused the request (${err.status}): set ${ctx.tokenEnv} to the token its proxy expects`,
        opts,
      );
    if (err.status === 400 && err.path === '/prompt')
      return new ProviderError(
        'fatal',
        `ComfyUI refused the workflow: ${describeRefusal(err.body, ctx.titles)}`,
        opts,
      );
    const kind = providerErrorKindForStatus(err.status);
    const text =
      typeof err.body === 'string' ? oneLine(err.body, 200) : oneLine(JSON.stringify(err.body ?? ''), 200);
    return new ProviderError(
      kind === 'quota' ? 'fatal' : kind,
      `${ctx.what} failed (${err.status} from ${ctx.host}${err.path}): ${text}`,
      opts,
    );
  }
  if (err instanceof TypeError && /fetch failed/i.test(err.message)) {
    const cause = (err.cause as Error | undefined)?.message ?? err.message;
    return new ProviderError(
      'retryable',
      `${ctx.what}: cannot reach the ComfyUI server at ${ctx.host} (${oneLine(cause, 120)}): is it running?`,
      { cause: err },
    );
  }
  return err instanceof Error ? err : new Error(String(err));
}
