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
    if (ingested.has(r.id)) return [];
    const input = r.input as IngestInput | null;
    const source = input?.source;
    // The lyrics file is read at ingest too: an uploaded one stays until then.
    return [
      ...(source?.kind === 'file' ? [source.path] : []),
      ...(input?.lyricsPath ? [input.lyricsPath] : []),
    ];
  });
}
