import type { ProjectDetail } from '@beatframe/pipeline';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { ApiContext } from '../api-context.js';
import { binary, type RouteSpec, route } from '../openapi.js';
import { fail } from '../studio-util.js';

export function fileRoutes(ctx: ApiContext): OpenAPIHono {
  const { bf, detail, shot, fileRoute } = ctx;
  const app = new OpenAPIHono();

  route(
    app,
    {
      method: 'get',
      path: '/api/projects/{id}/video',
      summary: 'The final video (HTTP Range supported; ?download=1 to save it)',
      request: { query: z.object({ download: z.string().optional() }) },
      responses: {
        200: binary('video/mp4', 'the video'),
        206: binary('video/mp4', 'a byte range of it'),
        416: { description: 'range not satisfiable' },
      },
    },
    async (c) => {
      const d = await detail(c.req.param('id'));
      const name = `${(d.project.name || d.project.id).replace(/[^\w.-]+/g, '_')}.mp4`;
      return fileRoute(c, d.videoPath, 'the video', c.req.query('download') ? name : undefined);
    },
    ['GET', 'HEAD'],
  );

  /** An image the project made, served from its file: documented and routed in one place. */
  const projectImage = (
    path: string,
    summary: string,
    type: 'image/jpeg' | 'image/png',
    label: string,
    fileOf: (d: ProjectDetail) => string | undefined,
  ) => {
    route(
      app,
      {
        method: 'get',
        path: `/api/projects/{id}/${path}`,
        summary,
        responses: { 200: binary(type, 'image') },
      },
      async (c) => fileRoute(c, fileOf(await detail(c.req.param('id'))), label),
    );
  };

  projectImage(
    'thumbnail',
    "The final video's thumbnail",
    'image/jpeg',
    'the thumbnail',
    (d) => d.thumbnailPath,
  );

  projectImage(
    'attention/screenshot',
    'What the provider saw when it paused the project for a person (credential fields masked)',
    'image/png',
    'the screenshot',
    (d) => d.attention?.screenshot,
  );

  projectImage(
    'evaluation/plot',
    'The evaluation plot (motion vs music energy, cuts vs beats)',
    'image/png',
    'the evaluation plot',
    (d) => d.evaluation?.plotPath,
  );

  /** A file of one shot, served from its file: documented and routed in one place. */
  const shotFile = (
    path: string,
    summary: string,
    responses: RouteSpec['responses'],
    label: string,
    fileOf: (d: ProjectDetail, s: ProjectDetail['shots'][number]) => string | undefined,
    methods?: string[],
  ) =>
    route(
      app,
      {
        method: 'get',
        path: `/api/projects/{id}/shots/{shotId}/${path}`,
        summary,
        responses,
      },
      async (c) => {
        const { d, s } = await shot(c.req.param('id'), c.req.param('shotId'));
        return fileRoute(c, fileOf(d, s), label);
      },
      methods,
    );
  shotFile(
    'thumbnail',
    "A shot's thumbnail",
    { 200: binary('image/jpeg', 'image') },
    "the shot's thumbnail",
    (_, s) => s.thumbnailPath,
  );
  shotFile(
    'clip',
    "A shot's generated clip (HTTP Range supported)",
    { 200: binary('video/mp4', 'the clip'), 206: binary('video/mp4', 'a byte range of it') },
    "the shot's clip",
    (_, s) => s.clipPath,
    ['GET', 'HEAD'],
  );
  shotFile(
    'still',
    "A shot's keyframe: the still its clip starts from",
    { 200: binary('image/png', 'image') },
    "the shot's still",
    (d, s) => d.storyboard?.stills.find((x) => x.shotId === s.id)?.path,
  );

  route(
    app,
    {
      method: 'get',
      path: '/api/projects/{id}/storyboard/sheet',
      summary: "The storyboard's contact sheet: every keyframe in shot order, numbered, in one JPEG",
      responses: { 200: binary('image/jpeg', 'image') },
    },
    async (c) => {
      const d = await detail(c.req.param('id'));
      if (!d.storyboard?.stills.some((x) => x.path))
        fail(404, 'NOT_FOUND', 'the storyboard has no still (yet)');
      return fileRoute(c, await bf.contactSheet(d.project.id), 'the contact sheet');
    },
  );
  return app;
}
