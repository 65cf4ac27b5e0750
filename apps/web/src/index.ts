import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The built dashboard (index.html, style.css, the compiled app): what the API serves at `/`.
 * The same path from src/ and from dist/, since both sit one level under the package.
 */
export const webDir: string = fileURLToPath(new URL('../dist/web', import.meta.url));

/** Whether `pnpm --filter @beatframe/web build` has produced the dashboard. */
export function webBuilt(): boolean {
  return existsSync(`${webDir}/index.html`) && existsSync(`${webDir}/main.js`);
}
