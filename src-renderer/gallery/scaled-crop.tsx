// One crop in a fixed frame, at true scale or fitted (true-scale.ts), centred
// (a crop larger than the frame is cut at the frame, the cell stays in the
// middle), with a scale bar; and the 1:1 / fit switch the gallery and the
// panel share.

import type { ReactNode } from 'react';
import { cropDisplay, cropScaleMode, SCALE_BAR_UM } from './true-scale.ts';

export function ScaledCrop(props: {
  url: string | undefined;
  /** The crop's size in level-0 px. */
  boxWidth: number;
  boxHeight: number;
  mpp: number | null;
  frame: { width: number; height: number };
  alt?: string;
  testId?: string;
  /** Marks over the image, positioned in percent of it. */
  children?: ReactNode;
}) {
  const mode = cropScaleMode.use();
  const d = cropDisplay(props.boxWidth, props.boxHeight, props.mpp, mode, props.frame);
  return (
    <span className={`scaled-crop scale-${d.mode === '1:1' ? 'true' : 'fit'}`} style={{ width: props.frame.width, height: props.frame.height }}
      data-scale={d.mode}>
      <span className="scaled-crop-image" style={{
        width: d.width, height: d.height, left: (props.frame.width - d.width) / 2, top: (props.frame.height - d.height) / 2,
      }}>
        {props.url ? <img src={props.url} alt={props.alt ?? ''} decoding="async" draggable={false} data-testid={props.testId} /> : null}
        {props.children}
      </span>
      {d.barPx !== null && (
        <span className="crop-scale" title={`${SCALE_BAR_UM} µm at this size`} data-testid="crop-scale-bar">
          <span className="crop-scale-line" style={{ width: d.barPx }} />{SCALE_BAR_UM} µm
        </span>
      )}
    </span>
  );
}

/** The 1:1 / fit switch (remembered; one setting for the gallery and the panel). */
export function CropScaleToggle({ mpp }: { mpp: number | null }) {
  const mode = cropScaleMode.use();
  const noScale = mpp === null || !(mpp > 0);
  return (
    <span className="seg-group crop-scale-toggle" role="group" aria-label="Crop size"
      title={noScale ? 'The scan does not say its pixel size: crops can only be fitted' : 'Crops at one fixed scale (0.5 µm/px), or fitted to their frame'}>
      <button type="button" className={mode === '1:1' && !noScale ? 'seg active' : 'seg'} disabled={noScale}
        onClick={() => cropScaleMode.set('1:1')} data-testid="crop-scale-true">1:1</button>
      <button type="button" className={mode === 'fit' || noScale ? 'seg active' : 'seg'}
        onClick={() => cropScaleMode.set('fit')} data-testid="crop-scale-fit">fit</button>
    </span>
  );
}
