/**
 * Escapes a value for one option of one filter inside a filter graph (ffmpeg-filters "Notes on
 * filtergraph escaping"): first the option level (`\ ' :`), then the graph level (`\ ' [ ] , ;`).
 * Used for file paths and expressions, so no caller ever hand-quotes.
 */
export function escapeFilterValue(value: string): string {
  const optionLevel = value.replace(/[\\':]/g, (c) => `\\${c}`);
  return optionLevel.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}

/**
 * Text for an ASS event: backslashes cannot start override codes (a word joiner follows them),
 * braces are escaped (libass >= 0.17 reads `\{` `\}` as literal braces), newlines become `\N`.
 */
export function escapeAssText(text: string): string {
  return text
    .replace(/\\/g, '\\\u2060')
    .replace(/[{}]/g, (c) => `\\${c}`)
    .replace(/\r\n|\r|\n/g, '\\N');
}

/** `#rgb` / `#rrggbb` to ASS `&HAABBGGRR` (alpha 00 = opaque); undefined for anything else. */
export function assColour(css: string, alpha = 0): string | undefined {
  let hex = css.trim().replace(/^#/, '');
  if (/^[0-9a-f]{3}$/i.test(hex))
    hex = hex
      .split('')
      .map((c) => c + c)
      .join('');
  if (!/^[0-9a-f]{6}$/i.test(hex)) return undefined;
  const [r, g, b] = [hex.slice(0, 2), hex.slice(2, 4), hex.slice(4, 6)];
  const a = Math.round(Math.min(255, Math.max(0, alpha)))
    .toString(16)
    .padStart(2, '0');
  return `&H${a}${b}${g}${r}`.toUpperCase();
}
