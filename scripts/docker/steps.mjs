/**
 * The build steps of the Dockerfile's `deps` and `build` stages, as shell commands without their
 * BuildKit cache mounts. check.mjs proves the Dockerfile says exactly these; dry-run.mjs runs them.
 */
export const FETCH_STEPS = ['pnpm fetch --frozen-lockfile'];
export const BUILD_STEPS = [
  'pnpm install --frozen-lockfile --offline',
  'pnpm exec turbo run build --filter=@beatframe/cli...',
  'pnpm --filter=@beatframe/cli deploy --prod --legacy /out',
];
/** Debian packages the runtime stage installs. */
export const RUNTIME_PACKAGES = [
  'ca-certificates',
  'chromium',
  'ffmpeg',
  'fonts-dejavu-core',
  'fonts-liberation',
  'tini',
];
