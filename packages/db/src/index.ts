export {
  type Database,
  type Db,
  migrationsFolder,
  type OpenDatabaseOptions,
  openDatabase,
  type Schema,
} from './open.js';
export * as tables from './schema.js';
export * from './schema.js';
export { createScratchDatabase } from './testing.js';
