import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenLocal, readBody, sendJson } from './http.js';

/**
 * Railway's public GraphQL API (POST /graphql/v2) for the operations beatframe uses: `variables`,
 * `variableUpsert` and `serviceInstanceRedeploy`. As Railway does, it authenticates an account or
 * workspace token in `Authorization: Bearer` or a project token in `Project-Access-Token`; answers a
 * bad token and unknown ids with HTTP 200 and a GraphQL `errors` array (`data: null`), malformed
 * requests with HTTP 400, and throttling with HTTP 429.
 */
export interface RailwayEmulatorOptions {
  token: string;
  projectToken?: string;
  projectId: string;
  environmentId: string;
  /** Services and their starting variables. */
  services: Record<string, Record<string, string>>;
}

export interface RailwayEmulator {
  url: string;
  /** serviceId → variables, as Railway holds them now. */
  variables: Map<string, Record<string, string>>;
  /** serviceId → redeploys triggered. */
  redeploys: Map<string, number>;
  /** Every operation answered, in order (name and whether it succeeded). */
  calls: Array<{ op: string; ok: boolean }>;
  /** The next `times` calls of `op` fail with this GraphQL error message (or HTTP status). */
  failNext(
    op: 'variables' | 'variableUpsert' | 'serviceInstanceRedeploy',
    fault: { message?: string; status?: number },
    times?: number,
  ): void;
  close(): Promise<void>;
}

export async function startRailwayEmulator(opts: RailwayEmulatorOptions): Promise<RailwayEmulator> {
  const variables = new Map(Object.entries(opts.services).map(([id, v]) => [id, { ...v }]));
  const redeploys = new Map<string, number>();
  const calls: RailwayEmulator['calls'] = [];
  const faults: Array<{ op: string; message?: string; status?: number; left: number }> = [];

  const gqlError = (res: ServerResponse, op: string, message: string, code?: string) => {
    calls.push({ op, ok: false });
    sendJson(res, 200, {
      data: null,
      errors: [
        {
          message,
          locations: [{ line: 1, column: 1 }],
          path: [op],
          ...(code ? { extensions: { code } } : {}),
        },
      ],
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method !== 'POST' || url.pathname !== '/graphql/v2')
      return sendJson(res, 404, { errors: [{ message: `Cannot ${req.method} ${url.pathname}` }] });
    let body: { query?: string; variables?: Record<string, unknown> };
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return sendJson(res, 400, {
        errors: [{ message: 'Unexpected token in JSON body', extensions: { code: 'BAD_USER_INPUT' } }],
      });
    }
    const query = body.query ?? '';
    const op = /\b(variableUpsert|serviceInstanceRedeploy|variables)\s*\(/.exec(
      query.replace(/^\s*(query|mutation)\s+\w+/, ''),
    )?.[1];
    if (!op)
      return sendJson(res, 400, {
        errors: [
          { message: 'Cannot query field on type', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
        ],
      });
    const bearer = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    const projectToken = req.headers['project-access-token'];
    const authed =
      (bearer !== undefined && bearer === opts.token) ||
      (opts.projectToken !== undefined && projectToken === opts.projectToken);
    if (!authed) return gqlError(res, op, 'Not Authorized');
    const fault = faults.find((f) => f.op === op && f.left > 0);
    if (fault) {
      fault.left--;
      if (fault.status) {
        calls.push({ op, ok: false });
        return sendJson(res, fault.status, { errors: [{ message: fault.message ?? 'Too Many Requests' }] });
      }
      return gqlError(res, op, fault.message ?? 'Internal server error');
    }
    const v = body.variables ?? {};
    const input = (op === 'variableUpsert' ? v.input : v) as Record<string, unknown> | undefined;
    const required =
      op === 'variableUpsert'
        ? ['projectId', 'environmentId', 'name', 'value']
        : op === 'variables'
          ? ['projectId', 'environmentId']
          : ['environmentId', 'serviceId'];
    const lacking = required.filter((k) => typeof input?.[k] !== 'string');
    if (lacking.length)
      return sendJson(res, 400, {
        errors: [
          {
            message: `Variable "$${op === 'variableUpsert' ? 'input' : lacking[0]}" got invalid value; field "${lacking[0]}" of required type "String!" was not provided.`,
            extensions: { code: 'BAD_USER_INPUT' },
          },
        ],
      });
    if ('projectId' in input! && input.projectId !== opts.projectId)
      return gqlError(res, op, 'Project not found');
    if (input!.environmentId !== opts.environmentId) return gqlError(res, op, 'Environment not found');
    const serviceId = input!.serviceId as string | undefined;
    const vars = serviceId ? variables.get(serviceId) : undefined;
    if (serviceId && !vars) return gqlError(res, op, 'Service not found');
    calls.push({ op, ok: true });
    if (op === 'variables') return sendJson(res, 200, { data: { variables: { ...(vars ?? {}) } } });
    if (op === 'variableUpsert') {
      if (!vars) return gqlError(res, op, 'shared variables are not emulated');
      vars[input!.name as string] = input!.value as string;
      // Without skipDeploys Railway would redeploy on every change.
      if (input!.skipDeploys !== true) redeploys.set(serviceId!, (redeploys.get(serviceId!) ?? 0) + 1);
      return sendJson(res, 200, { data: { variableUpsert: true } });
    }
    redeploys.set(serviceId!, (redeploys.get(serviceId!) ?? 0) + 1);
    return sendJson(res, 200, { data: { serviceInstanceRedeploy: true } });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) =>
      sendJson(res, 500, { errors: [{ message: (err as Error).message }] }),
    );
  });
  const base = await listenLocal(server);
  return {
    url: `${base}/graphql/v2`,
    variables,
    redeploys,
    calls,
    failNext(op, fault, times = 1) {
      faults.push({ op, ...fault, left: times });
    },
    close: () => closeServer(server),
  };
}
