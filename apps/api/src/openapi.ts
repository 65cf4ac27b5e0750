/**
 * Routes declared once: `route()` takes a `createRoute` config (its zod schemas are the OpenAPI description) and
 * the handler, and registers both on the same path. Requests are read by the handlers (`parse`, `jsonBody`), not
 * by a validator, so every error keeps the API's one-line `{ error: { code, message } }` shape.
 */
import { createRoute, type OpenAPIHono, type RouteConfig, z } from '@hono/zod-openapi';
import type { Env, Handler } from 'hono';
import * as S from './schemas.js';

export type RouteSpec = Omit<RouteConfig, 'responses'> & { responses?: RouteConfig['responses'] };
/** `/api/projects/{id}` as Hono writes it, `/api/projects/:id`, so handlers read typed params. */
type HonoPath<T extends string> = T extends `${infer Start}{${infer Param}}${infer Rest}`
  ? `${Start}:${Param}${HonoPath<Rest>}`
  : T;

const errors = {
  400: { description: 'invalid input', content: { 'application/json': { schema: S.ApiError } } },
  401: { description: 'missing or wrong token', content: { 'application/json': { schema: S.ApiError } } },
  404: { description: 'not found', content: { 'application/json': { schema: S.ApiError } } },
};

/** The path's `{name}` parameters, each a string: what every route's `request.params` would repeat. */
function pathParams(path: string) {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  return names.length ? z.object(Object.fromEntries(names.map((n) => [n, z.string()]))) : undefined;
}

/**
 * Describes the route in the OpenAPI document and routes `methods` (default: its method) to the handler. The
 * path parameters are read off the path.
 */
export function route<P extends string>(
  app: OpenAPIHono,
  spec: RouteSpec & { path: P },
  handler: Handler<Env, HonoPath<P>>,
  methods?: string[],
): void {
  const params = pathParams(spec.path);
  const r = createRoute({
    ...spec,
    ...(params ? { request: { params, ...spec.request } } : {}),
    responses: spec.responses ?? { 200: { description: 'OK' } },
  });
  app.openAPIRegistry.registerPath({
    ...r,
    security: [{ bearer: [] }],
    responses: { ...r.responses, ...errors },
  });
  app.on(methods ?? [r.method.toUpperCase()], r.getRoutingPath(), handler);
}

export const json = (schema: z.ZodType, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});
/** A JSON request body of `schema`. */
export const jsonRequest = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
export const binary = (type: string, description: string) => ({
  description,
  content: { [type]: { schema: z.string().openapi({ type: 'string', format: 'binary' }) } },
});
