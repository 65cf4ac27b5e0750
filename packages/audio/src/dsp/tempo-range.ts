/** The tempi the tracker considers, beats per minute: every stage reads and doubles or divides within them. */
export const MIN_BPM = 40;
export const MAX_BPM = 220;
