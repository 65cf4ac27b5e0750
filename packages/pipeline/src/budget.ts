import type { Logger } from '@beatframe/core';
import { budgetAlerts, type Database, projects } from '@beatframe/db';
import { eq, sql } from 'drizzle-orm';
import { deliverAlert } from './alert-webhook.js';
import { approvalNeeded, ceilingReason } from './ceiling.js';

export interface BudgetSettings {
  dailyCapUsd?: number;
  alertWebhookUrl?: string;
}

export type Reservation =
  | { ok: true; projectSpentUsd: number; todayUsd: number }
  /** `approvalNeededUsd`: the approval, not a cap, stopped it; this much would let the clip go on. */
  | { ok: false; reason: string; approvalNeededUsd?: number };

const EPS = 1e-9;

/** The UTC day money is booked on. */
export function utcDay(at = new Date()): string {
  return at.toISOString().slice(0, 10);
}

function rowsOf(res: unknown): Record<string, unknown>[] {
  return ((res as { rows?: Record<string, unknown>[] }).rows ?? []) as Record<string, unknown>[];
}

/**
 * Books money before a paid submission, atomically against the project's cap and the global daily
 * cap, so that several workers together never spend past either. Returns why not when a cap is hit.
 */
export async function reserveSpend(
  database: Database,
  settings: BudgetSettings,
  p: { projectId: string; shotId: string; attempt: number; provider: string; usd: number },
): Promise<Reservation> {
  const day = utcDay();
  const cap = settings.dailyCapUsd;
  try {
    return await database.db.transaction(async (tx) => {
      const proj = rowsOf(
        await tx.execute(sql`UPDATE projects SET spent_usd = spent_usd + ${p.usd}, updated_at = now()
          WHERE id = ${p.projectId} AND (max_usd IS NULL OR spent_usd + ${p.usd} <= max_usd + ${EPS})
            AND (approved_usd IS NULL OR spent_usd + ${p.usd} <= approved_usd + ${EPS})
          RETURNING spent_usd, max_usd`),
      );
      if (!proj.length) {
        const [row] = rowsOf(
          await tx.execute(
            sql`SELECT spent_usd, max_usd, approved_usd FROM projects WHERE id = ${p.projectId}`,
          ),
        );
        const spent = Number(row?.spent_usd ?? 0);
        const overCap = row?.max_usd != null && spent + p.usd > Number(row.max_usd) + EPS;
        // The approval is a ceiling too: going past it asks a person again, never silently.
        if (!overCap && row?.approved_usd != null)
          throw new CapReached(
            ceilingReason(p.projectId, {
              approvedUsd: Number(row.approved_usd),
              spentUsd: spent,
              nextUsd: p.usd,
            }),
            approvalNeeded(spent, p.usd),
          );
        throw new CapReached(
          `budget: the project's cap of $${Number(row?.max_usd ?? 0).toFixed(2)} is reached ($${Number(row?.spent_usd ?? 0).toFixed(2)} spent, next shot $${p.usd.toFixed(2)})`,
        );
      }
      let todayUsd: number;
      if (cap !== undefined) {
        if (p.usd > cap + EPS) throw new CapReached(dailyMessage(cap, 0, p.usd));
        const d = rowsOf(
          await tx.execute(sql`INSERT INTO daily_spend (day, usd) VALUES (${day}, ${p.usd})
            ON CONFLICT (day) DO UPDATE SET usd = daily_spend.usd + excluded.usd
            WHERE daily_spend.usd + excluded.usd <= ${cap + EPS} RETURNING usd`),
        );
        if (!d.length) {
          const [row] = rowsOf(await tx.execute(sql`SELECT usd FROM daily_spend WHERE day = ${day}`));
          throw new CapReached(dailyMessage(cap, Number(row?.usd ?? 0), p.usd));
        }
        todayUsd = Number(d[0]?.usd ?? 0);
      } else {
        const d = rowsOf(
          await tx.execute(sql`INSERT INTO daily_spend (day, usd) VALUES (${day}, ${p.usd})
            ON CONFLICT (day) DO UPDATE SET usd = daily_spend.usd + excluded.usd RETURNING usd`),
        );
        todayUsd = Number(d[0]?.usd ?? 0);
      }
      await tx.execute(sql`INSERT INTO costs (project_id, shot_id, attempt, provider, usd, day)
        VALUES (${p.projectId}, ${p.shotId}, ${p.attempt}, ${p.provider}, ${p.usd}, ${day})`);
      return { ok: true as const, projectSpentUsd: Number(proj[0]?.spent_usd ?? 0), todayUsd };
    });
  } catch (err) {
    if (err instanceof CapReached) {
      if (err.approvalNeededUsd === undefined) return { ok: false, reason: err.message };
      await database.db
        .update(projects)
        .set({ approvalNeededUsd: err.approvalNeededUsd })
        .where(eq(projects.id, p.projectId));
      return { ok: false, reason: err.message, approvalNeededUsd: err.approvalNeededUsd };
    }
    throw err;
  }
}

function dailyMessage(cap: number, today: number, next: number): string {
  return `budget: the daily cap of $${cap.toFixed(2)} is reached ($${today.toFixed(2)} spent today, next shot $${next.toFixed(2)}); raise budget.dailyCapUsd or resume tomorrow`;
}

class CapReached extends Error {
  constructor(
    message: string,
    readonly approvalNeededUsd?: number,
  ) {
    super(message);
  }
}

/** Gives back a reservation whose submission never reached the provider. */
export async function refundSpend(
  database: Database,
  p: { projectId: string; shotId: string; attempt: number; usd: number },
): Promise<void> {
  const day = utcDay();
  await database.db.transaction(async (tx) => {
    await tx.execute(
      sql`UPDATE projects SET spent_usd = GREATEST(0, spent_usd - ${p.usd}) WHERE id = ${p.projectId}`,
    );
    await tx.execute(sql`UPDATE daily_spend SET usd = GREATEST(0, usd - ${p.usd}) WHERE day = ${day}`);
    await tx.execute(
      sql`DELETE FROM costs WHERE id = (SELECT max(id) FROM costs WHERE project_id = ${p.projectId} AND shot_id = ${p.shotId} AND attempt = ${p.attempt})`,
    );
  });
}

export interface BudgetAlert {
  scope: 'project' | 'daily' | 'provider';
  key: string;
  threshold: 80 | 100;
  spentUsd: number;
  capUsd: number;
  projectId?: string;
}

/**
 * Sends each 80% / 100% alert once per scope (project, or UTC day): to the log, and to the webhook
 * when one is configured. Returns the alerts sent now.
 */
export async function checkBudgetAlerts(
  database: Database,
  settings: BudgetSettings,
  logger: Logger,
  candidates: Array<Omit<BudgetAlert, 'threshold'>>,
  fetchImpl: typeof fetch = fetch,
): Promise<BudgetAlert[]> {
  const sent: BudgetAlert[] = [];
  for (const c of candidates) {
    if (!(c.capUsd > 0)) continue;
    for (const threshold of [80, 100] as const) {
      if (c.spentUsd + EPS < (c.capUsd * threshold) / 100) continue;
      const inserted = await database.db
        .insert(budgetAlerts)
        .values({ scope: c.scope, scopeKey: c.key, threshold })
        .onConflictDoNothing()
        .returning();
      if (!inserted.length) continue;
      const alert: BudgetAlert = { ...c, threshold };
      sent.push(alert);
      logger.warn(
        { alert: 'budget', ...alert },
        `budget alert: ${c.scope === 'daily' ? `today's spend` : c.scope === 'provider' ? c.key : `project ${c.projectId}`} is at ${threshold}% of its $${c.capUsd.toFixed(2)} cap ($${c.spentUsd.toFixed(2)})`,
      );
      const url = settings.alertWebhookUrl ?? process.env.BEATFRAME_ALERT_WEBHOOK_URL;
      if (url) await postWebhook(url, alert, logger, fetchImpl);
    }
  }
  return sent;
}

async function postWebhook(
  url: string,
  alert: BudgetAlert,
  logger: Logger,
  fetchImpl: typeof fetch,
): Promise<void> {
  // Slack-shaped or generic JSON, HMAC-signed when BEATFRAME_ALERT_WEBHOOK_SECRET is set (alert-webhook.ts).
  const what =
    alert.scope === 'daily'
      ? "today's spend"
      : alert.scope === 'provider'
        ? `${alert.key}`
        : `project ${alert.projectId}`;
  await deliverAlert(
    url,
    {
      type: 'beatframe.budget',
      text: `${what} is at ${alert.threshold}% of its $${alert.capUsd.toFixed(2)} cap ($${alert.spentUsd.toFixed(2)})`,
      ...alert,
    },
    { logger, fetchImpl },
  );
}
