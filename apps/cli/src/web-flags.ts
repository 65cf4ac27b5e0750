import type { Command } from 'commander';

/**
 * `--headed` and `--trace` for the web provider. They reach it through its environment switches
 * (BEATFRAME_WEB_HEADED, BEATFRAME_WEB_TRACE), so the worker this command starts passes them on too.
 */
export function addWebFlags(cmd: Command): Command {
  return cmd
    .option('--headed', 'web provider: show the browser window (needs a display)')
    .option(
      '--trace',
      'web provider: record Playwright traces under <data dir>/web/traces (sign-ins left out)',
    );
}

export function applyWebFlags(opts: { headed?: boolean; trace?: boolean }, env = process.env): void {
  if (opts.headed) env.BEATFRAME_WEB_HEADED = '1';
  if (opts.trace) env.BEATFRAME_WEB_TRACE = '1';
}
