import type { StyleBible } from '@beatframe/core';
import { fitPrompt, stylePart } from '../prompting.js';

/** Words content filters trip on, and a picture-safe stand-in (empty: drop the word). */
const SOFTER: Record<string, string> = {
  blood: 'red light',
  bloody: 'crimson',
  bleeding: 'glowing red',
  gore: '',
  gun: 'flashlight',
  guns: 'flashlights',
  rifle: 'telescope',
  pistol: 'flashlight',
  weapon: 'tool',
  weapons: 'tools',
  knife: 'feather',
  sword: 'staff',
  kill: 'defeat',
  kills: 'defeats',
  killing: 'defeating',
  killer: 'stranger',
  murder: 'mystery',
  dead: 'still',
  death: 'ending',
  die: 'fade',
  dying: 'fading',
  corpse: 'statue',
  suicide: '',
  naked: 'silhouetted',
  nude: 'silhouetted',
  sexy: 'elegant',
  sex: '',
  sensual: 'graceful',
  drug: 'potion',
  drugs: 'potions',
  cocaine: '',
  heroin: '',
  violent: 'intense',
  violence: 'intensity',
  fight: 'dance-off',
  fighting: 'dancing',
  war: 'storm',
  bomb: 'firework',
  explosion: 'burst of light',
  shooting: 'racing',
  shot: 'frame',
  terror: 'awe',
  hate: 'doubt',
};

/** A prompt with the words filters refuse replaced or dropped, a safety note in front, the style kept. */
export function softenPrompt(
  prompt: string,
  bible: StyleBible | undefined,
  max: number,
): { prompt: string; changed: string[] } {
  const changed: string[] = [];
  // "shot" is also film language ("wide shot"): only soften it when it is not about the camera.
  const body = prompt.replace(/\b([A-Za-z]+)\b/g, (word, _w, offset: number, all: string) => {
    const key = word.toLowerCase();
    const soft = SOFTER[key];
    if (soft === undefined) return word;
    if (
      key === 'shot' &&
      /(wide|close|medium|establishing|aerial|tracking|over-the-shoulder|low-angle|extreme)[\s-]*(up\s)?$/i.test(
        all.slice(0, offset),
      )
    )
      return word;
    changed.push(key);
    return soft;
  });
  const clean = body
    .replace(/\s{2,}/g, ' ')
    .replace(/\s+([,.;:])/g, '$1')
    .trim();
  const parts = [
    { text: `Tasteful and non-violent, no real people. ${clean}`, priority: 50 },
    ...(bible && !clean.includes(bible.look) ? [stylePart(bible)] : []),
  ];
  return { prompt: fitPrompt(parts, max), changed: [...new Set(changed)] };
}
