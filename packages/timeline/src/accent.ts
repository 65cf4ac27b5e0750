/**
 * The accent colour of a style bible's palette, for the visualizer and the sung word: its first entry that
 * is a hex colour or ends in a colour word (the heuristic crew writes words: "electric cyan", "dusty rose"),
 * skipping colours too dark to read over a night backdrop.
 */

// biome-ignore format: a data table
const COLOUR_WORDS: Record<string, string> = {
  red: '#ff3b3b', crimson: '#e0284a', scarlet: '#ff4422', orange: '#ff8a2a', amber: '#ffb000', gold: '#f2c230',
  golden: '#f2c230', yellow: '#ffe14a', lime: '#b4ff3a', green: '#3ad07a', emerald: '#2ccf8f', mint: '#8fffc8',
  teal: '#2ec4c0', cyan: '#3ae4ff', turquoise: '#40e0d0', aqua: '#4ae8e0', blue: '#4a8cff', azure: '#4aa8ff',
  indigo: '#6a5cff', violet: '#a66bff', purple: '#b45cff', lavender: '#c8b4ff', magenta: '#ff3ec8',
  pink: '#ff7ac0', rose: '#ff6f91', coral: '#ff7f5a', peach: '#ffb38a', cream: '#f6e7c1', white: '#ffffff',
  silver: '#d0d8e0', chrome: '#d8e0ea', ivory: '#fff4dc', sepia: '#c89a6a', copper: '#d98a4a', rust: '#d0603a',
};

function luma(hex: string): number {
  const n = Number.parseInt(hex.slice(1), 16);
  return (0.2126 * ((n >> 16) & 255) + 0.7152 * ((n >> 8) & 255) + 0.0722 * (n & 255)) / 255;
}

export function accentOf(palette: string[], fallback = '#ffcc00'): string {
  for (const entry of palette) {
    const hex = /^#[0-9a-f]{6}$/i.test(entry.trim())
      ? entry.trim()
      : COLOUR_WORDS[entry.trim().toLowerCase().split(/\s+/).at(-1) ?? ''];
    if (hex && luma(hex) >= 0.3) return hex;
  }
  return fallback;
}
