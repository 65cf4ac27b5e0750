import type { EvaluationReport } from '@beatframe/core';
import { type Database, decisions } from '@beatframe/db';
import { and, asc, eq, sql } from 'drizzle-orm';

/**
 * What a user must be told about a run, said out loud in the CLI, `status` and the API: a delivered video
 * whose evaluation failed (with what was tried), and an LLM crew that fell back to the heuristic one.
 * Derived from the decision log and the evaluation, so every surface says the same.
 */
export async function noticesOf(
  db: Database['db'],
  projectId: string,
  evaluation: EvaluationReport | { skipped: string } | undefined,
  status: string,
): Promise<string[]> {
  const out: string[] = [];
  if (evaluation && 'skipped' in evaluation) {
    if (status === 'done') out.push(`delivered without an evaluation: ${evaluation.skipped}`);
    evaluation = undefined;
  }
  const fallbacks = await db
    .select({ role: decisions.role, summary: decisions.summary })
    .from(decisions)
    .where(and(eq(decisions.projectId, projectId), sql`${decisions.output}->>'fallback' = 'heuristic'`))
    .orderBy(asc(decisions.id));
  const roles = [...new Set(fallbacks.map((f) => f.role))];
  if (roles.length)
    out.push(
      `crew fell back: the LLM ${roles.join(' and ')} failed, the heuristic crew stood in (${firstReason(fallbacks[0]!.summary)})`,
    );
  if (evaluation && !evaluation.passed && status === 'done') {
    const rounds = await db
      .select({ summary: decisions.summary })
      .from(decisions)
      .where(
        and(
          eq(decisions.projectId, projectId),
          sql`${decisions.summary} LIKE 'evaluation scored % (did not pass)%'`,
        ),
      )
      .orderBy(asc(decisions.id));
    const tried = rounds
      .map((r) => r.summary.replace(/^evaluation scored [\d.]+ \(did not pass\)[:;] ?/, ''))
      .filter((t) => !/^no rounds left|^no shot to generate/.test(t));
    out.push(
      `delivered, but the evaluation did not pass (score ${evaluation.score.toFixed(2)}): ${tried.length ? `tried ${tried.join('; then ')}` : 'nothing more was tried'}`,
    );
  }
  return out;
}

function firstReason(summary: string): string {
  // "LLM planner failed after 3 attempt(s) (invalid: …); falling back to …": the reason is the last parenthesis.
  const m = /\(([^()]*)\);? falling back/.exec(summary) ?? /\(([^()]*)\)[^()]*$/.exec(summary);
  return (m?.[1] ?? summary).slice(0, 160);
}
