import { InputError } from '@beatframe/core';
import type { Beatframe, Engine, ProjectDetail } from '@beatframe/pipeline';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { z } from 'zod';
import { badId } from './validate-request.js';

/** Ends a request with a JSON error: `{ error: { code, message } }`. */
export function fail(status: 400 | 401 | 404 | 409 | 413, code: string, message: string): never {
  throw new HTTPException(status, { res: Response.json({ error: { code, message } }, { status }) });
}

/** The engine behind the service (the same door ops uses), for project folders, decisions and events. */
export function engineOf(bf: Beatframe): Engine {
  const engine = (bf as unknown as { engine?: Engine }).engine;
  if (!engine) throw new Error('the studio routes need the pipeline engine');
  return engine;
}

export async function projectOr404(bf: Beatframe, id: string): Promise<ProjectDetail> {
  const bad = badId(id);
  if (bad) fail(400, 'INVALID', bad);
  try {
    return await bf.getProject(id);
  } catch (err) {
    if (err instanceof InputError) fail(404, 'NOT_FOUND', `no project with id ${id}`);
    throw err;
  }
}

export async function jsonOf<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let raw: unknown = {};
  const text = await c.req.text();
  if (text.trim()) {
    try {
      raw = JSON.parse(text);
    } catch {
      fail(400, 'INVALID', 'the body is not valid JSON');
    }
  }
  const r = schema.safeParse(raw);
  if (!r.success)
    fail(400, 'INVALID', r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return r.data;
}
