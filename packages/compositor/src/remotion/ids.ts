export const COMPOSITION_ID = 'beatframe';
/** The overlays alone (flashes, cards, captions) on transparency, for the hybrid render. */
export const OVERLAY_COMPOSITION_ID = 'beatframe-overlays';
