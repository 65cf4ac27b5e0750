import type { PipelineEvent } from '@beatframe/pipeline';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ApiContext } from '../api-context.js';
import { route } from '../openapi.js';
import { publicEvent } from '../public-text.js';

export function eventRoutes(ctx: ApiContext): OpenAPIHono {
  const { bf, heartbeatMs, detail } = ctx;
  const app = new OpenAPIHono();

  const sse = (c: Context, projectId: string | '*') => {
    const header = c.req.header('last-event-id') ?? c.req.query('after');
    const after = header && /^\d+$/.test(header) ? Number(header) : undefined;
    return streamSSE(c, async (stream) => {
      const queue: PipelineEvent[] = [];
      let wake: (() => void) | undefined;
      let closed = false;
      const off = bf.subscribe(projectId, (e) => {
        queue.push(e);
        wake?.();
      });
      stream.onAbort(() => {
        closed = true;
        wake?.();
      });
      const send = (e: PipelineEvent) =>
        stream.writeSSE({ id: String(e.id), event: e.type, data: JSON.stringify(publicEvent(e)) });
      try {
        // Replay what a reconnecting client missed, then go live (events are ordered by id).
        let last = after ?? 0;
        if (after !== undefined) {
          for (;;) {
            const page = await bf.eventsSince(projectId, last, 500);
            for (const e of page) await send(e);
            last = page.at(-1)?.id ?? last;
            if (page.length < 500) break;
          }
        } else {
          // A fresh client starts live; tell it where the stream stands so it can reconnect.
          await stream.writeSSE({ event: 'hello', data: JSON.stringify({ projectId }) });
        }
        while (!closed) {
          while (queue.length) {
            const e = queue.shift() as PipelineEvent;
            if (e.id > last) {
              await send(e);
              last = e.id;
            }
          }
          if (closed) break;
          const timer = new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, heartbeatMs);
          });
          await timer;
          wake = undefined;
          if (!queue.length && !closed) await stream.write(': ping\n\n');
        }
      } finally {
        off();
      }
    });
  };

  route(
    app,
    {
      method: 'get',
      path: '/api/projects/{id}/events',
      summary:
        'Live events of one project (Server-Sent Events; Last-Event-ID or ?after= replays missed ones)',
      responses: {
        200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: z.string() } } },
      },
    },
    async (c) => {
      await detail(c.req.param('id'));
      return sse(c, c.req.param('id'));
    },
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/events',
      summary: 'Live events of every project (Server-Sent Events), for the project list',
      responses: {
        200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: z.string() } } },
      },
    },
    (c) => sse(c, '*'),
  );
  return app;
}
