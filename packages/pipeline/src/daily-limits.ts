import { type BeatframeConfig, type Logger, ProviderError, type VideoProvider } from '@beatframe/core';
import type { Database } from '@beatframe/db';
import { checkBudgetAlerts, utcDay } from './budget.js';
import type { StageDeps } from './deps.js';

const EPS = 1e-9;

/** A provider's own daily limit in USD (config `providers.<name>.dailyLimitUsd`), if it has one. */
export function dailyLimitOf(config: BeatframeConfig, provider: string): number | undefined {
  const v = Number(config.providers[provider]?.dailyLimitUsd);
  return Number.isFinite(v) && v >= 0 ? v : undefined;
}

/**
 * Per-provider daily limits: before a paid submission (whose money is already booked in `costs`), the
 * provider's spend today is compared with its limit. Past it, the submission is refused as a `quota`
 * error, so the project pauses with that reason (and is resumed the next UTC day by the quota
 * watcher); 80% and 100% alerts go out once per provider and day, to the log and the webhook.
 */
export function withDailyLimits(
  deps: StageDeps,
  database: Database,
  config: BeatframeConfig,
  logger: Logger,
): StageDeps {
  const wrap = (p: VideoProvider): VideoProvider => {
    const limit = dailyLimitOf(config, p.name);
    if (limit === undefined) return p;
    return {
      ...p,
      async submit(req, ctx) {
        if (p.capabilities.usdFor(req) > 0) {
          const day = utcDay();
          const [row] = await database.query<{ usd: number }>(
            'SELECT coalesce(sum(usd), 0)::float8 AS usd FROM costs WHERE provider = $1 AND day = $2',
            [p.name, day],
          );
          const spent = Number(row?.usd ?? 0);
          await checkBudgetAlerts(database, config.budget, logger, [
            { scope: 'provider', key: `${p.name} ${day}`, spentUsd: spent, capUsd: limit },
          ]);
          if (spent > limit + EPS) {
            const message = `daily limit of $${limit.toFixed(2)} for ${p.name} reached ($${spent.toFixed(2)} booked today, UTC ${day}); it resets at midnight UTC, or raise providers.${p.name}.dailyLimitUsd`;
            await ctx.decisions?.record({
              role: 'budget',
              ...(req.shotId ? { shotId: req.shotId } : {}),
              summary: message,
            });
            throw new ProviderError('quota', message);
          }
        }
        return p.submit(req, ctx);
      },
    };
  };
  return { ...deps, provider: async (name, cfg) => wrap(await deps.provider(name, cfg)) };
}
