import type { Database } from '@beatframe/db';
import { projects, stages } from '@beatframe/db';
import { and, eq } from 'drizzle-orm';
import type { IngestInput } from './deps.js';

/**
 * The local song files stored projects still have to read: those whose ingest has not finished (it
 * copies the song into the project folder; after that the original is not read again).
 */
export async function songFilesInUse(database: Database): Promise<string[]> {
  const db = database.db;
  const rows = await db.select({ id: projects.id, input: projects.input }).from(projects);
  const ingested = new Set(
    (
      await db
        .select({ id: stages.projectId })
        .from(stages)
        .where(and(eq(stages.name, 'ingest'), eq(stages.status, 'done')))
    ).map((r) => r.id),
  );
  return rows.flatMap((r) => {
    const source = (r.input as IngestInput | null)?.source;
    return source?.kind === 'file' && !ingested.has(r.id) ? [source.path] : [];
  });
}
