import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createLogger, scrubSecrets, secretValues } from '@beatframe/core';
import { fingerprint } from '@beatframe/keyring';
import { deliverAlert, verifyWebhook } from '@beatframe/pipeline';
import { describe, expect, it } from 'vitest';
import { quotaPause, secretChecks, shouldResume } from '../src/index.js';

const SECRETS = {
  FAL_KEY: 'falid01:fal-secret-value-000000000001',
  FAL_KEYS: 'falid02:fal-secret-value-000000000002,falid03:fal-secret-value-000000000003',
  RAILWAY_API_TOKEN: 'railway-token-value-0000000004',
  DATABASE_URL: 'postgres://beatframe:db-password-value-05@db.railway.internal:5432/railway',
  BEATFRAME_API_TOKEN: 'api-token-value-0000000000006',
  BEATFRAME_ALERT_WEBHOOK_SECRET: 'webhook-hmac-secret-00000007',
  BEATFRAME_ALERT_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/slack-path-token-08',
  SORA_PASSWORD: 'sora-password-value-00000009',
};
const VALUES = [
  'fal-secret-value-000000000001',
  'fal-secret-value-000000000002',
  'fal-secret-value-000000000003',
  'railway-token-value-0000000004',
  'db-password-value-05',
  'api-token-value-0000000000006',
  'webhook-hmac-secret-00000007',
  'slack-path-token-08',
  'sora-password-value-00000009',
];
const leaks = (text: string) => VALUES.filter((v) => text.includes(v));

async function receiver() {
  const got: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    got,
    close: () => server.close(),
  };
}

describe('alert webhooks', () => {
  it('generic JSON, signed over timestamp and body; a changed body or an old timestamp fails verification', async () => {
    const r = await receiver();
    try {
      const logger = createLogger({ level: 'silent', env: {} });
      const env = { BEATFRAME_ALERT_WEBHOOK_SECRET: 'shh-0123456789' };
      await deliverAlert(
        r.url,
        { type: 'beatframe.budget', text: 'fal 2026-12-02 is at 80%', capUsd: 5 },
        { env, logger },
      );
      const [hit] = r.got;
      const body = JSON.parse(hit!.body);
      expect(body).toMatchObject({ type: 'beatframe.budget', text: 'fal 2026-12-02 is at 80%', capUsd: 5 });
      const headers = {
        timestamp: String(hit!.headers['x-beatframe-timestamp']),
        signature: String(hit!.headers['x-beatframe-signature']),
      };
      expect(headers.signature).toMatch(/^v1=[0-9a-f]{64}$/);
      expect(verifyWebhook('shh-0123456789', headers, hit!.body)).toBe(true);
      expect(verifyWebhook('shh-0123456789', headers, hit!.body.replace('80%', '10%'))).toBe(false);
      expect(verifyWebhook('other-secret-000', headers, hit!.body)).toBe(false);
      expect(verifyWebhook('shh-0123456789', headers, hit!.body, 300, Date.now() + 3_600_000)).toBe(false);
      // Slack's shape when asked for (or when the host is hooks.slack.com).
      await deliverAlert(
        r.url,
        { type: 'x', text: 'hello' },
        { env: { BEATFRAME_ALERT_WEBHOOK_FORMAT: 'slack' }, logger },
      );
      expect(JSON.parse(r.got[1]!.body)).toEqual({ text: 'beatframe: hello' });
      expect(r.got[1]!.headers['x-beatframe-signature']).toBeUndefined();
    } finally {
      r.close();
    }
  });
});

describe('quota pauses', () => {
  const ring = 'key-aaaaaaaaaaaa1,key-bbbbbbbbbbbb2';
  const reason = `provider fal: quota exhausted (every key of fal is unusable (${fingerprint('key-aaaaaaaaaaaa1')} exhausted, ${fingerprint('key-bbbbbbbbbbbb2')} exhausted; set FAL_KEY or FAL_KEYS)); resume when it is restored`;
  const today = new Date('2026-12-02T15:00:00Z');

  it('reads the provider and the exhausted keys from the reason', () => {
    expect(quotaPause(reason)).toEqual({
      provider: 'fal',
      dailyLimit: false,
      keys: [fingerprint('key-aaaaaaaaaaaa1'), fingerprint('key-bbbbbbbbbbbb2')],
    });
    expect(quotaPause('awaiting approval: the estimate is $3')).toBeUndefined();
  });
  it('resumes when a key is added, or when the UTC day has turned; not before', () => {
    const p = { error: reason, updatedAt: '2026-12-02T09:00:00.000Z' };
    expect(shouldResume(p, { FAL_KEYS: ring }, today).resume).toBe(false);
    const added = shouldResume(p, { FAL_KEYS: `${ring},key-cccccccccccc3` }, today);
    expect(added).toEqual({ resume: true, why: `fal has a new key ${fingerprint('key-cccccccccccc3')}` });
    expect(
      shouldResume({ ...p, updatedAt: '2026-12-01T23:59:00.000Z' }, { FAL_KEYS: ring }, today).resume,
    ).toBe(true);
  });
  it("a provider's own daily limit waits for the new day, whatever keys there are", () => {
    const limit =
      'provider fal: quota exhausted (daily limit of $5.00 for fal reached ($5.35 booked today, UTC 2026-12-02); it resets at midnight UTC, or raise providers.fal.dailyLimitUsd); resume when it is restored';
    expect(
      shouldResume(
        { error: limit, updatedAt: '2026-12-02T09:00:00.000Z' },
        { FAL_KEYS: 'new-key-000000001' },
        today,
      ).resume,
    ).toBe(false);
    expect(shouldResume({ error: limit, updatedAt: '2026-12-01T09:00:00.000Z' }, {}, today).resume).toBe(
      true,
    );
  });
});

describe('secrets never leak', () => {
  it('from logs, decisions and exports (scrubbed), webhooks, doctor, and key-ring names', async () => {
    expect(secretValues(SECRETS).length).toBeGreaterThanOrEqual(VALUES.length);
    let logged = '';
    const logger = createLogger({
      level: 'debug',
      env: SECRETS,
      destination: new Writable({
        write(c, _e, cb) {
          logged += c;
          cb();
        },
      }) as never,
    });
    const everything = Object.values(SECRETS).join(' | ');
    logger.error(
      { err: `upstream said: ${everything}`, headers: { authorization: `Key ${SECRETS.FAL_KEY}` } },
      `failed with ${everything}`,
    );
    logger.info({ cookie: `beatframe_session=${SECRETS.BEATFRAME_API_TOKEN}` }, 'request');
    expect(leaks(logged)).toEqual([]);
    // Decisions and exports go through scrubSecrets before they are stored or leave the process.
    const decision = scrubSecrets(
      { summary: `switched from ${SECRETS.FAL_KEYS}`, output: { url: SECRETS.DATABASE_URL } },
      secretValues(SECRETS),
    );
    expect(leaks(JSON.stringify(decision))).toEqual([]);
    // An alert that quotes an error carrying a key is scrubbed before it is posted.
    const r = await receiver();
    try {
      await deliverAlert(r.url, { type: 'x', text: `quota: ${SECRETS.FAL_KEY}` }, { env: SECRETS, logger });
      // scrubSecrets reads process.env: the key is redacted when it is in the environment of the process.
      const prev = process.env.FAL_KEY;
      process.env.FAL_KEY = SECRETS.FAL_KEY;
      try {
        await deliverAlert(r.url, { type: 'x', text: `quota: ${SECRETS.FAL_KEY}` }, { env: SECRETS, logger });
      } finally {
        if (prev === undefined) delete process.env.FAL_KEY;
        else process.env.FAL_KEY = prev;
      }
      expect(leaks(r.got[1]!.body)).toEqual([]);
    } finally {
      r.close();
    }
    // doctor names the secrets and fingerprints the provider keys.
    const doctor = JSON.stringify(secretChecks(SECRETS));
    expect(leaks(doctor)).toEqual([]);
    expect(doctor).toContain('FAL_KEYS');
    expect(doctor).toContain(fingerprint(SECRETS.FAL_KEY));
    expect(doctor).toContain('3 keys');
  });
});

describe('the Dockerfile check', () => {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const check = join(root, 'scripts', 'docker', 'check.mjs');
  it('passes the repository Dockerfile and names what a worse one gets wrong', () => {
    const ok = spawnSync(process.execPath, [check], { encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'bf-dockerfile-'));
    try {
      const bad = readFileSync(join(root, 'Dockerfile'), 'utf8')
        .replace('USER beatframe', 'USER root')
        .replace('--no-install-recommends', '')
        .replace('ENV NODE_ENV=production', 'ENV FAL_KEY=abc NODE_ENV=production');
      writeFileSync(join(dir, 'Dockerfile'), bad);
      writeFileSync(join(dir, '.dockerignore'), 'node_modules\n');
      const r = spawnSync(process.execPath, [check, join(dir, 'Dockerfile')], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('non-root USER');
      expect(r.stderr).toContain('--no-install-recommends');
      expect(r.stderr).toContain('must not carry a secret');
      expect(r.stderr).toContain('.dockerignore: add .env');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
