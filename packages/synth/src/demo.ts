import { arrangeSong } from './arrange.js';
import { lyricsLrc } from './lyrics.js';
import type { SongSpec } from './spec.js';

const CHORUS = ['Neon tide, carry me home', "Light up the night, I'm not alone"];

/**
 * "Neon Tide" by beatframe demo: 36 bars of 4/4 at 118 bpm in A minor (≈73 s), synthwave-pop.
 * intro → verse → chorus → verse → chorus → bridge → double chorus → outro. Words written for this project.
 */
export function demoSong(): SongSpec {
  return {
    title: 'Neon Tide',
    artist: 'beatframe demo',
    seed: 7,
    tempo: 118,
    meter: '4/4',
    key: 'A minor',
    groove: 'pop',
    sections: [
      { label: 'intro', bars: 4, group: 'intro' },
      {
        label: 'verse',
        bars: 4,
        group: 'verse',
        lyrics: ['Streetlights hum a silver tune', 'I drift along the edge of the moon'],
      },
      { label: 'chorus', bars: 4, group: 'chorus', lyrics: CHORUS },
      {
        label: 'verse',
        bars: 4,
        group: 'verse',
        lyrics: ['Glass towers sleep in a violet haze', 'Echoes of us in the passing waves'],
      },
      { label: 'chorus', bars: 4, group: 'chorus', lyrics: CHORUS },
      { label: 'bridge', bars: 4, group: 'bridge' },
      {
        label: 'chorus',
        bars: 8,
        group: 'chorus',
        lyrics: [...CHORUS, 'Neon tide, pull me along', 'Into the glow where we belong'],
      },
      { label: 'outro', bars: 4, group: 'outro' },
    ],
  };
}

/** The demo song's lyrics as an LRC file, each line timed to the lead phrase it belongs to. */
export function demoLyricsLrc(): string {
  return lyricsLrc(arrangeSong(demoSong()).truth);
}
