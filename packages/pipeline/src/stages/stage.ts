/** What every stage function receives (`StageCtx`) and returns (`StageResult`); `Engine.stageFns` maps names to them. */
import type { DecisionSink, Logger, PluginContext, ProjectOptions } from '@beatframe/core';
import type { ProjectRow } from '../store.js';

export type StageResult =
  | { kind: 'done'; output: unknown }
  /** Work continues elsewhere (shot jobs); whoever finishes it advances the project. */
  | { kind: 'waiting' }
  /** The stage moved the project itself (paused, or back to an earlier stage). */
  | { kind: 'moved' };

export interface StageCtx {
  project: ProjectRow;
  options: ProjectOptions;
  dir: string;
  logger: Logger;
  signal: AbortSignal;
  decisions: DecisionSink;
  plugin: PluginContext;
  progress(fraction: number, label?: string): void;
}
