import type { z } from 'zod';

/** Why a raw answer does not fit the schema, in words a model can act on. */
export function describeInvalid(raw: string | undefined, schema: z.ZodType): string {
  if (!raw?.trim()) return 'the answer was empty; reply with a single JSON object';
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    return `the answer is not valid JSON (${(err as Error).message})`;
  }
  const res = schema.safeParse(parsed);
  if (res.success) return 'the answer did not match the schema';
  return res.error.issues
    .slice(0, 4)
    .map((i) => `at ${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
