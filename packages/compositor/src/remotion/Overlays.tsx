import type { Timeline } from '@beatframe/core/schemas';
import { cardEdgeFrames } from '@beatframe/timeline/effects';
import type React from 'react';
import { AbsoluteFill, useCurrentFrame } from 'remotion';
import { CaptionLine, Card } from './BeatframeVideo.js';

/**
 * What one overlay frame draws: a number is the captions at that timeline frame; `{ card }` is that card
 * alone, fully shown (opacity 1, risen), which the hybrid fades and raises itself, frame by frame.
 */
export type OverlayFrame = number | { card: number };

/** Props of the overlay composition: the timeline, and what each of its frames draws. */
export interface OverlayProps extends Record<string, unknown> {
  timeline: Timeline;
  frames: OverlayFrame[];
}

/**
 * Only what lies over the shots — cards, captions — on a transparent page, for the hybrid render: frame i
 * draws frames[i], so each distinct overlay is drawn once. (Beat flashes change every frame: the hybrid's
 * ffmpeg graph draws them on the shots; it also draws each card's fade and rise from its one still.)
 */
export const Overlays: React.FC<OverlayProps> = ({ timeline, frames }) => {
  const at = frames[useCurrentFrame()] ?? 0;
  if (typeof at === 'object') {
    const card = timeline.cards[at.card];
    if (!card) return <AbsoluteFill />;
    // Twice the edge: the card has faded in and risen, and not begun to fade out (the edge is ≤ a third).
    const steady = 2 * cardEdgeFrames(card, timeline.fps);
    return (
      <AbsoluteFill>
        <Card card={card} timeline={timeline} frame={steady} />
      </AbsoluteFill>
    );
  }
  return (
    <AbsoluteFill>
      {timeline.captions.map((caption, i) =>
        at >= caption.startFrame && at < caption.endFrame ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: captions have no id.
          <CaptionLine key={`caption-${i}`} caption={caption} timeline={timeline} frame={at} />
        ) : null,
      )}
    </AbsoluteFill>
  );
};
