import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Logger, scrubSecrets } from '@beatframe/core';

type Env = Record<string, string | undefined>;

/** Anything worth telling a person: budget thresholds, provider quotas. */
export interface Alert {
  type: string;
  /** One line for a person (the Slack message). */
  text: string;
  [field: string]: unknown;
}

export type WebhookFormat = 'slack' | 'json';

/** Slack's incoming webhooks take `{ text }`; anything else gets the alert's fields as JSON. */
export function webhookFormat(url: string, env: Env = process.env): WebhookFormat {
  const f = env.BEATFRAME_ALERT_WEBHOOK_FORMAT?.toLowerCase();
  if (f === 'slack' || f === 'json') return f;
  try {
    return new URL(url).hostname === 'hooks.slack.com' ? 'slack' : 'json';
  } catch {
    return 'json';
  }
}

/** `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`: the timestamp is signed so an old request cannot be replayed. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** For receivers: checks the signature and that the timestamp is within `toleranceSec` of now. */
export function verifyWebhook(
  secret: string,
  headers: { timestamp: string | null; signature: string | null },
  body: string,
  toleranceSec = 300,
  now = Date.now(),
): boolean {
  if (!headers.timestamp || !headers.signature) return false;
  if (Math.abs(now / 1000 - Number(headers.timestamp)) > toleranceSec) return false;
  const want = Buffer.from(signWebhook(secret, headers.timestamp, body));
  const got = Buffer.from(headers.signature);
  return want.length === got.length && timingSafeEqual(want, got);
}

/**
 * Posts an alert to the webhook (BEATFRAME_ALERT_WEBHOOK_URL or budget.alertWebhookUrl): Slack-shaped or
 * generic JSON, signed with BEATFRAME_ALERT_WEBHOOK_SECRET when set (X-Beatframe-Timestamp,
 * X-Beatframe-Signature). A webhook that fails is logged, never fatal.
 */
export async function deliverAlert(
  url: string,
  alert: Alert,
  opts: { env?: Env; logger: Logger; fetchImpl?: typeof fetch },
): Promise<boolean> {
  const env = opts.env ?? process.env;
  const clean = scrubSecrets({ ...alert, at: new Date().toISOString() });
  const body = JSON.stringify(
    webhookFormat(url, env) === 'slack' ? { text: `beatframe: ${clean.text}` } : clean,
  );
  const timestamp = String(Math.floor(Date.now() / 1000));
  const secret = env.BEATFRAME_ALERT_WEBHOOK_SECRET;
  try {
    const res = await (opts.fetchImpl ?? fetch)(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'beatframe-alerts',
        ...(secret
          ? {
              'x-beatframe-timestamp': timestamp,
              'x-beatframe-signature': signWebhook(secret, timestamp, body),
            }
          : {}),
      },
      body,
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok)
      opts.logger.warn({ status: res.status, alert: alert.type }, 'alert webhook answered with an error');
    return res.ok;
  } catch (err) {
    opts.logger.warn(
      { err: (err as Error).message, alert: alert.type },
      'alert webhook could not be reached',
    );
    return false;
  }
}
