/**
 * The fuzz properties, run by the fast test slice and by `pnpm --filter @beatframe/api fuzz`:
 * 1. every body schema: parsing never throws, and whatever it accepts is within bounds (no path, no
 *    NUL, no number out of range);
 * 2. over real HTTP: no body, form or id makes the server answer 5xx, every refusal is one line of JSON
 *    that names no server path, and the server still answers afterwards.
 */

import { LIMITS } from '@beatframe/pipeline';
import fc from 'fast-check';
import type { z } from 'zod';
import * as S from '../src/schemas.js';
import { BODIES, hostileId, hostileValue, multipartFields } from './fuzz-bodies.js';

export interface FuzzOptions {
  runs: number;
  seed: number;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what must never be accepted
const BROKEN = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NAME = /^[A-Za-z0-9][\w.-]*$/;

/** What an accepted body may hold. Returns the first problem, or undefined. */
function acceptedProblem(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return `${k} = ${v} accepted`;
      if (['maxCostUsd', 'approvedUsd', 'maxUsd'].includes(k) && (v < 0 || v > LIMITS.maxUsd))
        return `${k} = ${v} accepted`;
      if (k === 'maxRounds' && (v < 0 || v > LIMITS.maxRounds || !Number.isInteger(v)))
        return `${k} = ${v} accepted`;
      if (k === 'durationSec' && (v <= 0 || v > LIMITS.maxEstimateSec)) return `${k} = ${v} accepted`;
    }
    if (typeof v === 'string') {
      if (BROKEN.test(v)) return `${k} with NUL or broken Unicode accepted`;
      if (['provider', 'renderer'].includes(k) && !NAME.test(v))
        return `${k} = ${JSON.stringify(v)} accepted`;
      if (
        k === 'sunoId' &&
        (v.includes('/etc') || v.startsWith('.') || (v.startsWith('/') && !v.includes('suno')))
      )
        return `sunoId = ${JSON.stringify(v)} accepted`;
      if (k === 'url' && !/^https?:\/\//i.test(v)) return `url = ${JSON.stringify(v)} accepted`;
    }
  }
  return undefined;
}

const SCHEMAS: Array<[string, z.ZodType]> = [
  ['CreateProjectJson', S.CreateProjectJson],
  ['CreateProjectFields', S.CreateProjectFields],
  ['EstimateRequest', S.EstimateRequest],
  ['RegenerateRequest', S.RegenerateRequest],
  ['ResumeRequest', S.ResumeRequest],
  ['ApproveRequest', S.ApproveRequest],
];
const SCHEMA_KEYS: Record<string, string[]> = {
  CreateProjectJson: [
    'theme',
    'provider',
    'model',
    'renderer',
    'maxRounds',
    'maxCostUsd',
    'approvedUsd',
    'url',
    'sunoId',
    'title',
    'name',
  ],
  CreateProjectFields: ['theme', 'provider', 'renderer', 'maxRounds', 'maxCostUsd', 'approvedUsd', 'title'],
  EstimateRequest: ['provider', 'model', 'durationSec', 'aspect', 'resolution'],
  RegenerateRequest: ['prompt'],
  ResumeRequest: ['approvedUsd'],
  ApproveRequest: ['maxUsd'],
};

/** Property 1, in-process. Returns how many bodies each schema saw. */
export function fuzzSchemas(opts: FuzzOptions): Record<string, number> {
  const seen: Record<string, number> = {};
  for (const [name, schema] of SCHEMAS) {
    const keys = SCHEMA_KEYS[name] ?? [];
    const body = fc.record(Object.fromEntries(keys.map((k) => [k, hostileValue])), { requiredKeys: [] });
    seen[name] = 0;
    fc.assert(
      fc.property(fc.oneof(body, hostileValue), (value) => {
        seen[name] = (seen[name] ?? 0) + 1;
        const r = schema.safeParse(value); // must not throw
        if (r.success) {
          const problem = acceptedProblem(r.data);
          if (problem) throw new Error(`${name}: ${problem}`);
        }
      }),
      { numRuns: opts.runs, seed: opts.seed },
    );
  }
  return seen;
}

export interface HttpFuzzTarget {
  url: string;
  /** The server's data folder: no answer may name it. */
  dataDir: string;
  /** An existing project, so per-project routes reach their body parsing. */
  projectId: string;
  /** A small valid song for multipart creates. */
  song: Uint8Array;
}

const OK_STATUSES = new Set([200, 201, 202, 204, 400, 404, 409, 413]);

async function check(res: Response, what: string, dataDir: string): Promise<void> {
  const text = await res.text();
  if (!OK_STATUSES.has(res.status)) throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 200)}`);
  if (text.includes(dataDir)) throw new Error(`${what}: the answer names the server's data folder`);
  if (res.status >= 400) {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (!body.error?.code || typeof body.error.message !== 'string')
      throw new Error(`${what}: error without code/message: ${text.slice(0, 200)}`);
    if (body.error.message.includes('\n')) throw new Error(`${what}: a multi-line error message`);
  }
}

/** Property 2, over HTTP. Returns the count of requests per route and per status. */
export async function fuzzHttp(
  target: HttpFuzzTarget,
  opts: FuzzOptions,
): Promise<{ requests: Record<string, number>; statuses: Record<string, number> }> {
  const requests: Record<string, number> = {};
  const statuses: Record<string, number> = {};
  const count = (route: string, status: number) => {
    requests[route] = (requests[route] ?? 0) + 1;
    statuses[status] = (statuses[status] ?? 0) + 1;
  };
  for (const [route, spec] of Object.entries(BODIES)) {
    await fc.assert(
      fc.asyncProperty(spec.body, async (body) => {
        const res = await fetch(target.url + spec.path(target.projectId), {
          method: spec.method,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        count(route, res.status);
        await check(res, `${route} ${JSON.stringify(body).slice(0, 300)}`, target.dataDir);
      }),
      { numRuns: opts.runs, seed: opts.seed },
    );
  }
  await fc.assert(
    fc.asyncProperty(multipartFields, fc.boolean(), async (fields, withSong) => {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.set(k, v);
      if (withSong) form.set('audio', new Blob([new Uint8Array(target.song)]), 'song.mp3');
      const res = await fetch(`${target.url}/api/projects`, { method: 'POST', body: form });
      count('create (multipart)', res.status);
      await check(res, `multipart ${JSON.stringify(fields).slice(0, 300)}`, target.dataDir);
    }),
    { numRuns: opts.runs, seed: opts.seed },
  );
  const idRoutes = ['', '/video', '/events', '/decisions', '/shots/{id}/clip', '/cancel'];
  await fc.assert(
    fc.asyncProperty(hostileId, fc.constantFrom(...idRoutes), async (id, suffix) => {
      const path = `/api/projects/${id}${suffix.replace('{id}', id)}`;
      const res = await fetch(target.url + path, {
        method: suffix === '/cancel' ? 'POST' : 'GET',
        signal: AbortSignal.timeout(20_000),
      });
      count('ids', res.status);
      if (res.status === 200 && suffix === '/events') {
        await res.body?.cancel();
        return;
      }
      await check(res, `GET ${path}`, target.dataDir);
    }),
    { numRuns: opts.runs, seed: opts.seed },
  );
  const alive = await fetch(`${target.url}/api/options`);
  if (alive.status !== 200) throw new Error(`the server stopped answering (HTTP ${alive.status})`);
  return { requests, statuses };
}
