import { describe, expect, it } from 'vitest';
import { main } from '../src/index.js';
import { shotOf } from '../src/storyboard.js';
import { io } from './support/io.js';

// `beatframe stills`: its mistakes are one-line errors before anything opens or is paid for.
describe('stills', () => {
  it('--reroll with --edit, --edit without --prompt, --prompt alone: one line each, exit 2', async () => {
    for (const [args, message] of [
      [['--reroll', '1', '--edit', '2', '--prompt', 'x'], 'give --reroll or --edit, not both'],
      [['--edit', '2'], '--edit needs --prompt "the new words"'],
      [['--prompt', 'words'], '--prompt goes with --edit N'],
    ] as const) {
      const t = io();
      expect(await main(['stills', 'p-1', ...args], t.io)).toBe(2);
      expect(t.err.join('')).toBe(`beatframe: ${message}\n`);
    }
  });

  it('a still is named by its number on the contact sheet or by its shot id', () => {
    const d = {
      project: { id: 'p-1' },
      shots: [
        { id: 'shot-1', index: 0 },
        { id: 'shot-2', index: 1 },
      ],
    } as Parameters<typeof shotOf>[0];
    expect(shotOf(d, '2')).toBe('shot-2');
    expect(shotOf(d, 'shot-1')).toBe('shot-1');
    expect(() => shotOf(d, '3')).toThrow(
      'no shot 3 in project p-1: give its number on the contact sheet (1 to 2)',
    );
  });
});
