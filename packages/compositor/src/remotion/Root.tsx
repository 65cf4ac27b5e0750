import { Timeline } from '@beatframe/core/schemas';
import type React from 'react';
import { Composition } from 'remotion';
import { BeatframeVideo } from './BeatframeVideo.js';
import { COMPOSITION_ID, OVERLAY_COMPOSITION_ID } from './ids.js';
import { type OverlayProps, Overlays } from './Overlays.js';

/** Shown when Studio opens without props: a black second with a title. */
const EMPTY: Timeline = Timeline.parse({
  version: 1,
  fps: 30,
  width: 1280,
  height: 720,
  durationFrames: 60,
  audio: { src: '', durationSec: 2 },
  items: [],
  cards: [
    {
      kind: 'title',
      text: 'beatframe',
      subtitle: 'open a project with: beatframe studio PROJECT',
      startFrame: 0,
      endFrame: 60,
    },
  ],
});

export const RemotionRoot: React.FC = () => (
  <>
    <Composition
      id={COMPOSITION_ID}
      component={BeatframeVideo}
      schema={Timeline}
      defaultProps={EMPTY}
      durationInFrames={EMPTY.durationFrames}
      fps={EMPTY.fps}
      width={EMPTY.width}
      height={EMPTY.height}
      calculateMetadata={({ props }) => ({
        durationInFrames: props.durationFrames,
        fps: props.fps,
        width: props.width,
        height: props.height,
      })}
    />
    <Composition
      id={OVERLAY_COMPOSITION_ID}
      component={Overlays}
      defaultProps={{ timeline: EMPTY, frames: [0] } as OverlayProps}
      durationInFrames={1}
      fps={EMPTY.fps}
      width={EMPTY.width}
      height={EMPTY.height}
      calculateMetadata={({ props }) => ({
        durationInFrames: Math.max(1, props.frames.length),
        fps: props.timeline.fps,
        width: props.timeline.width,
        height: props.timeline.height,
      })}
    />
  </>
);
