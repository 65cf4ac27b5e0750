import { defineConfig } from 'drizzle-kit';

// `pnpm --filter @beatframe/db generate` writes a new migration into drizzle/ after a schema change.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema.ts',
  out: './drizzle',
});
