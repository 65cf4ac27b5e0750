import type { ProviderError } from '@beatframe/core';
import { assets, type Database } from '@beatframe/db';
import { and, desc, eq } from 'drizzle-orm';

/**
 * Projects paused because a person must act: a captcha, a two-factor code, a refused sign-in, a site that no
 * longer matches its profile, a kill switch. Retrying could not help and could pay twice, so the shot keeps
 * its attempt (a resume polls the job already submitted) and the screenshot the provider took is kept.
 */

export const NEEDS_PERSON = 'needs a person';

/** What the project's paused status says (the screenshot is an asset: its server path stays out of the reason). */
export function needsPersonReason(provider: string, err: ProviderError): string {
  return `${NEEDS_PERSON}: provider ${provider}: ${err.message}; resume when it is dealt with`;
}

export interface Attention {
  reason: string;
  /** The provider's screenshot of what it met, when it took one. */
  screenshot?: string;
  shotId?: string;
}

/** The attention a paused project asks for, with its latest screenshot; undefined when it asks for none. */
export async function attentionOf(
  db: Database['db'],
  row: { id: string; status: string; error: string | null },
): Promise<Attention | undefined> {
  if (row.status !== 'paused' || !(row.error ?? '').startsWith(NEEDS_PERSON)) return undefined;
  const [shot] = await db
    .select()
    .from(assets)
    .where(and(eq(assets.projectId, row.id), eq(assets.kind, 'screenshot')))
    .orderBy(desc(assets.id))
    .limit(1);
  return {
    reason: row.error!,
    ...(shot ? { screenshot: shot.path } : {}),
    ...(shot?.shotId ? { shotId: shot.shotId } : {}),
  };
}
