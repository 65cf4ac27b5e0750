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

/** Describes the route in the OpenAPI document and routes `methods` (default: its method) to the handler. */
export function route<P extends string>(
  app: OpenAPIHono,
  spec: RouteSpec & { path: P },
  handler: Handler<Env, HonoPath<P>>,
  methods?: string[],
): void {
  const r = createRoute({ ...spec, responses: spec.responses ?? { 200: { description: 'OK' } } });
  app.openAPIRegistry.registerPath({
    ...r,
    security: [{ bearer: [] }],
    responses: { ...r.responses, ...errors },
  });
  app.on(methods ?? [r.method.toUpperCase()], r.getRoutingPath(), handler);
}

export const idParam = z.object({ id: z.string() });
export const shotParams = z.object({ id: z.string(), shotId: z.string() });
export const json = (schema: z.ZodType, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});
export const binary = (type: string, description: string) => ({
  description,
  content: { [type]: { schema: z.string().openapi({ type: 'string', format: 'binary' }) } },
});
