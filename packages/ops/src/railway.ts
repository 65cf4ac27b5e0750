import { BeatframeError, ConfigError } from '@beatframe/core';

type Env = Record<string, string | undefined>;

/** Railway's public GraphQL API. */
export const RAILWAY_API_URL = 'https://backboard.railway.com/graphql/v2';

/** Where a variable is written: Railway's own ids, which every deployment has in its environment. */
export interface RailwayTarget {
  projectId: string;
  environmentId: string;
  serviceId: string;
}

export class RailwayError extends BeatframeError {}

/**
 * A small client for the mutations rotation needs. Account and workspace tokens go in
 * `Authorization: Bearer`; a project token (RAILWAY_PROJECT_TOKEN) in `Project-Access-Token`.
 * GraphQL answers errors with HTTP 200 and an `errors` array: both kinds become a RailwayError whose
 * message never carries the token.
 */
export class RailwayClient {
  constructor(
    private readonly auth: { token: string; kind: 'bearer' | 'project' },
    private readonly url = RAILWAY_API_URL,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  static fromEnv(env: Env = process.env): RailwayClient {
    const url = env.RAILWAY_API_URL || RAILWAY_API_URL;
    if (env.RAILWAY_API_TOKEN)
      return new RailwayClient({ token: env.RAILWAY_API_TOKEN, kind: 'bearer' }, url);
    if (env.RAILWAY_PROJECT_TOKEN)
      return new RailwayClient({ token: env.RAILWAY_PROJECT_TOKEN, kind: 'project' }, url);
    throw new ConfigError(
      'set RAILWAY_API_TOKEN (an account or workspace token) to change Railway variables',
    );
  }

  async request<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    let res: Response;
    try {
      res = await this.fetchImpl(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.auth.kind === 'bearer'
            ? { authorization: `Bearer ${this.auth.token}` }
            : { 'project-access-token': this.auth.token }),
        },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw new RailwayError(`Railway's API cannot be reached: ${(err as Error).message}`);
    }
    const body = (await res.json().catch(() => ({}))) as {
      data?: T;
      errors?: Array<{ message?: string; extensions?: { code?: string } }>;
    };
    const first = body.errors?.[0];
    const detail = first
      ? `${first.message ?? 'unknown error'}${first.extensions?.code ? ` (${first.extensions.code})` : ''}`
      : '';
    // Throttling and malformed requests come as HTTP errors, refusals as GraphQL errors with HTTP 200.
    if (!res.ok) throw new RailwayError(`Railway answered HTTP ${res.status}${detail ? `: ${detail}` : ''}`);
    if (first) throw new RailwayError(`Railway refused: ${detail}`);
    if (!body.data) throw new RailwayError('Railway answered without data');
    return body.data;
  }

  /** Sets one service variable; skipDeploys leaves the redeploy to us, after every variable is written. */
  async variableUpsert(target: RailwayTarget, name: string, value: string): Promise<void> {
    await this.request<{ variableUpsert: boolean }>(
      'mutation variableUpsert($input: VariableUpsertInput!) { variableUpsert(input: $input) }',
      { input: { ...target, name, value, skipDeploys: true } },
    );
  }

  /** The service's variables (values included: kept in memory only, never printed). */
  async variables(target: RailwayTarget): Promise<Record<string, string>> {
    const data = await this.request<{ variables: Record<string, string> }>(
      'query variables($projectId: String!, $environmentId: String!, $serviceId: String) { variables(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId) }',
      { ...target },
    );
    return data.variables;
  }

  /** Redeploys the service's latest deployment so it starts with the new variables. */
  async serviceInstanceRedeploy(target: Pick<RailwayTarget, 'environmentId' | 'serviceId'>): Promise<void> {
    await this.request<{ serviceInstanceRedeploy: boolean }>(
      'mutation serviceInstanceRedeploy($environmentId: String!, $serviceId: String!) { serviceInstanceRedeploy(environmentId: $environmentId, serviceId: $serviceId) }',
      { environmentId: target.environmentId, serviceId: target.serviceId },
    );
  }
}

/**
 * The services to update: this deployment's own ids (RAILWAY_PROJECT_ID, RAILWAY_ENVIRONMENT_ID,
 * RAILWAY_SERVICE_ID), plus any in BEATFRAME_RAILWAY_SERVICE_IDS (the worker service, say).
 */
export function railwayTargets(env: Env = process.env): RailwayTarget[] {
  const projectId = env.RAILWAY_PROJECT_ID;
  const environmentId = env.RAILWAY_ENVIRONMENT_ID;
  const ids = [env.RAILWAY_SERVICE_ID, ...(env.BEATFRAME_RAILWAY_SERVICE_IDS ?? '').split(',')]
    .map((s) => s?.trim())
    .filter((s): s is string => Boolean(s));
  const missing = [
    !projectId && 'RAILWAY_PROJECT_ID',
    !environmentId && 'RAILWAY_ENVIRONMENT_ID',
    !ids.length && 'RAILWAY_SERVICE_ID',
  ].filter(Boolean);
  if (missing.length)
    throw new ConfigError(`set ${missing.join(', ')} (Railway sets them in every deployment)`);
  return [...new Set(ids)].map((serviceId) => ({
    projectId: projectId!,
    environmentId: environmentId!,
    serviceId,
  }));
}
