// A slide whose scan is not where the database says (it came from another
// workstation, or the stick is mounted elsewhere today): "Find scan" looks
// for it under the scan folders by OpenSlide's quickhash (locateScan without a
// path), "Scan is at…" takes a path the reader types. Either is taken only
// when it is the same scan; a refusal is shown as the API words it. Shown by
// the viewer (the scan cannot be opened) and by a library card (no preview).

import { useState } from 'react';
import type { SmearlabApi } from '../../src-main/api/client-types.ts';
import type { SlideListEntry } from '../../src-main/api/views.ts';
import { hostPathProblem } from '../../src-main/domain/host-path.ts';
import { errorText } from '../api/smearlab-api.ts';

export function ScanFinder({ api, slide, onFound }: {
  api: SmearlabApi;
  slide: Pick<SlideListEntry, 'id' | 'smearId' | 'path'>;
  /** The slide as it is now, pointing at its scan's new place. */
  onFound: (slide: SlideListEntry) => void;
}) {
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const typed = path.trim();
  const typedProblem = typed ? hostPathProblem(typed) : null;

  const locate = (at?: string) => {
    setBusy(true);
    setProblem(null);
    api.locateScan({ slideId: slide.id, ...(at === undefined ? {} : { path: at }) }).then(
      (found) => { setBusy(false); onFound(found); },
      (e: unknown) => { setBusy(false); setProblem(errorText(e)); },
    );
  };

  return (
    <div className="scan-finder" data-testid="scan-finder" data-slide-id={slide.id}>
      <p className="muted small">Expected at <span className="path" data-testid="scan-expected">{slide.path}</span></p>
      <div className="scan-finder-row">
        <button type="button" className="btn small" disabled={busy} onClick={() => locate()} data-testid="scan-find"
          title="Look for it under the scan folders (set in the library), by OpenSlide's quickhash">Find scan</button>
        <form className="scan-finder-path" onSubmit={(e) => { e.preventDefault(); if (typed && !typedProblem && !busy) locate(typed); }}>
          <label className="field inline">
            <span>Scan is at…</span>
            <input value={path} onChange={(e) => { setPath(e.target.value); setProblem(null); }} placeholder="/media/usb/scans/10030_18.mrxs"
              size={36} data-testid="scan-path" />
          </label>
          <button type="submit" className="btn small" disabled={busy || !typed || typedProblem !== null} data-testid="scan-path-use">Use</button>
        </form>
      </div>
      {typedProblem && <p className="error small" data-testid="scan-path-problem">The scan path {typedProblem}</p>}
      {busy && <p className="muted small">Looking…</p>}
      {problem && <p className="error small" data-testid="scan-problem">{problem}</p>}
    </div>
  );
}
