import { describe, expect, test } from 'vitest';
import { heuristicStoryboard } from '../src/heuristic/planner.js';
import { themeParts } from '../src/heuristic/theme.js';
import { POP_SONG, planInput } from './fixtures.js';

// Each theme with the words every shot must keep (setting noun, weather, hour) and the subject the video must show.
const THEMES: Array<{ theme: string; subject?: string; keep: string[] }> = [
  { theme: 'a paper boat drifting through a rainy city', subject: 'paper boat', keep: ['city', 'rain'] },
  {
    theme: 'a night drive along a neon coastline, city lights pulsing like waves',
    subject: 'car',
    keep: ['coastline', 'night'],
  },
  { theme: 'mountains at dawn with birds', subject: 'birds', keep: ['mountains', 'dawn'] },
  { theme: 'a desert highway at sunset', keep: ['desert', 'sunset'] },
  { theme: 'snow in a forest at night', keep: ['forest', 'snow', 'night'] },
  { theme: 'a dancer in a neon room', subject: 'dancer', keep: ['room'] },
  { theme: 'a lonely astronaut drifting in space', subject: 'astronaut', keep: ['space'] },
];

describe('the heuristic planner keeps the theme', () => {
  test('reads subject, setting, weather and hour from a theme', () => {
    expect(themeParts('a paper boat drifting through a rainy city')).toMatchObject({
      subject: 'a paper boat',
      setting: 'a rainy city',
      weather: 'rain',
    });
    expect(themeParts('snow in a forest at night')).toMatchObject({
      setting: 'a forest',
      weather: 'snow',
      time: 'night',
    });
    expect(themeParts('')).toEqual({});
  });

  for (const { theme, subject, keep } of THEMES) {
    test(theme, () => {
      const board = heuristicStoryboard(
        planInput(POP_SONG, {}, { song: { styleTags: [] }, options: { theme } }),
      );
      for (const shot of board.shots) {
        const text = shot.description.toLowerCase();
        for (const word of keep) expect(text, `${shot.id}: ${shot.description}`).toContain(word);
      }
      if (subject) {
        expect(board.styleBible.characters[0]?.description.toLowerCase()).toContain(
          subject === 'car' ? 'car' : subject,
        );
        const showing = board.shots.filter((s) => s.description.toLowerCase().includes(subject));
        // A subject may sit out a cutaway, not the video: it opens every scene.
        expect(showing.length).toBeGreaterThanOrEqual(board.scenes.length);
      }
      for (const scene of board.scenes)
        for (const word of keep) expect(scene.description.toLowerCase()).toContain(word);
    });
  }
});
