// The library's work packages: carrying work between workstations with no
// shared database (a USB stick, a share). "Write package" packs every slide or
// one (packWork; with small crops for a workstation without the scan);
// "Merge packages" takes packages from other workstations (mergeWork) and
// says per slide what came in, until dismissed: conflicts are shown, never
// resolved here. "Scan folders" are where a moved scan is looked for
// (scanFolders). Paths are typed, as the export dialog's folder is: they are
// read on the machine that runs Smearlab. Errors are shown as the API words them.

import { useEffect, useState } from 'react';
import type { SmearlabApi } from '../../src-main/api/client-types.ts';
import type { SlideListEntry, WorkMerged } from '../../src-main/api/views.ts';
import { hostPathProblem } from '../../src-main/domain/host-path.ts';
import { errorText } from '../api/smearlab-api.ts';
import { mergeFileText, mergeSlideText, packWrittenText, pathLines, scanFoldersText } from '../model/work-package-text.ts';

type Note = { text: string; error: boolean };

export function WorkPackages({ api, slides, onMerged }: { api: SmearlabApi; slides: SlideListEntry[]; onMerged: () => void }) {
  return (
    <section className="work-packages" data-testid="work-packages" aria-label="Work packages">
      <h2>Work packages</h2>
      <div className="work-forms">
        <WritePackage api={api} slides={slides} />
        <MergePackages api={api} onMerged={onMerged} />
        <ScanFolders api={api} />
      </div>
    </section>
  );
}

function NoteLine({ note, testId }: { note: Note | null; testId: string }) {
  if (!note) return null;
  return <p className={note.error ? 'error small' : 'muted small'} data-testid={testId} data-state={note.error ? 'error' : 'ok'}>{note.text}</p>;
}

function WritePackage({ api, slides }: { api: SmearlabApi; slides: SlideListEntry[] }) {
  const [file, setFile] = useState('');
  /** 'all', or one slide's id. */
  const [which, setWhich] = useState('all');
  const [crops, setCrops] = useState(false);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<Note | null>(null);
  /** Answers received: a caller (a test) waits for the next one. */
  const [answers, setAnswers] = useState(0);
  const target = file.trim();
  const problem = target ? hostPathProblem(target) : null;
  // A slide removed since it was chosen: back to every slide rather than a stale id.
  const chosen = which === 'all' || !slides.some((s) => String(s.id) === which) ? 'all' : which;

  const write = () => {
    setBusy(true);
    setNote(null);
    api.packWork({ file: target, crops, ...(chosen === 'all' ? {} : { slideIds: [Number(chosen)] }) }).then(
      (written) => { setBusy(false); setAnswers((n) => n + 1); setNote({ text: packWrittenText(written), error: false }); },
      (e: unknown) => { setBusy(false); setAnswers((n) => n + 1); setNote({ text: errorText(e), error: true }); },
    );
  };

  return (
    <form className="work-form" data-testid="pack-form" data-answers={answers} onSubmit={(e) => { e.preventDefault(); if (target && !problem && !busy && slides.length) write(); }}>
      <h3>Write package</h3>
      <label className="field">
        <span>File (".smearlab-work" is added)</span>
        <input value={file} onChange={(e) => { setFile(e.target.value); setNote(null); }} placeholder="/media/usb/day-1" data-testid="pack-file" />
      </label>
      <div className="work-form-row">
        <label className="field inline">
          <span>Slides</span>
          <select value={chosen} onChange={(e) => setWhich(e.target.value)} data-testid="pack-slides">
            <option value="all">every slide ({slides.length})</option>
            {slides.map((s) => <option key={s.id} value={String(s.id)}>{s.smearId}</option>)}
          </select>
        </label>
        <label className="check" title="Small JPEG crops of the cells, so a workstation without the scan still shows them">
          <input type="checkbox" checked={crops} onChange={(e) => setCrops(e.target.checked)} data-testid="pack-crops" />
          with crops
        </label>
        <div className="spacer" />
        <button type="submit" className="btn primary small" disabled={!target || problem !== null || busy || slides.length === 0}
          data-testid="pack-write">Write package</button>
      </div>
      {problem && <p className="error small" data-testid="pack-file-problem">The file {problem}</p>}
      {busy && <p className="muted small">Writing…</p>}
      <NoteLine note={note} testId="pack-message" />
    </form>
  );
}

function MergePackages({ api, onMerged }: { api: SmearlabApi; onMerged: () => void }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [merged, setMerged] = useState<WorkMerged | null>(null);
  /** Answers received: a caller (a test) waits for the next one. */
  const [answers, setAnswers] = useState(0);
  const { paths, problems } = pathLines(text);

  const merge = () => {
    setBusy(true);
    setError(null);
    // A new merge's outcome replaces the last one's report.
    setMerged(null);
    api.mergeWork({ files: paths }).then(
      (result) => { setBusy(false); setAnswers((n) => n + 1); setMerged(result); onMerged(); },
      (e: unknown) => { setBusy(false); setAnswers((n) => n + 1); setError(errorText(e)); },
    );
  };

  return (
    <form className="work-form" data-testid="merge-form" data-answers={answers} onSubmit={(e) => { e.preventDefault(); if (paths.length && !problems.length && !busy) merge(); }}>
      <h3>Merge packages</h3>
      <label className="field">
        <span>Packages from other workstations, one a line</span>
        <textarea value={text} onChange={(e) => setText(e.target.value)} rows={2} placeholder="/media/usb/day-1.smearlab-work"
          data-testid="merge-files" />
      </label>
      <div className="work-form-row">
        <span className="muted small">Every file is checked whole first; merging twice changes nothing.</span>
        <div className="spacer" />
        <button type="submit" className="btn primary small" disabled={paths.length === 0 || problems.length > 0 || busy}
          data-testid="merge-start">Merge packages</button>
      </div>
      {problems.map((p) => <p key={p} className="error small" data-testid="merge-files-problem">{p}</p>)}
      {busy && <p className="muted small">Merging…</p>}
      {error && <p className="error small" data-testid="merge-error">{error}</p>}
      {merged && (
        <div className="merge-report" data-testid="merge-report">
          <div className="merge-report-head">
            <b>Merged</b>
            <div className="spacer" />
            <button type="button" className="btn small ghost" onClick={() => setMerged(null)} data-testid="merge-dismiss">Dismiss</button>
          </div>
          {merged.reports.map((report) => (
            <div key={report.file} className="merge-file" data-testid="merge-file">
              <p className="merge-file-line" data-testid="merge-file-line">{mergeFileText(report)}</p>
              <ul>
                {report.slides.map((slide) => (
                  <li key={slide.uid} data-testid="merge-slide" data-smear-id={slide.smearId} data-added={slide.added}>
                    <span data-testid="merge-slide-line">{mergeSlideText(slide)}</span>
                    {slide.notes.map((note) => <p key={note} className="merge-note small" data-testid="merge-note">note: {note}</p>)}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      )}
    </form>
  );
}

function ScanFolders({ api }: { api: SmearlabApi }) {
  const [text, setText] = useState('');
  const [loaded, setLoaded] = useState(false);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<Note | null>(null);
  const { paths, problems } = pathLines(text);

  useEffect(() => {
    let live = true;
    api.scanFolders({}).then(
      (r) => { if (live) { setText(r.folders.join('\n')); setLoaded(true); } },
      (e: unknown) => { if (live) setNote({ text: errorText(e), error: true }); },
    );
    return () => { live = false; };
  }, [api]);

  const save = () => {
    setBusy(true);
    setNote(null);
    api.scanFolders({ folders: paths }).then(
      (r) => { setBusy(false); setText(r.folders.join('\n')); setNote({ text: scanFoldersText(r.folders), error: false }); },
      (e: unknown) => { setBusy(false); setNote({ text: errorText(e), error: true }); },
    );
  };

  return (
    <form className="work-form" data-testid="scan-folders-form" onSubmit={(e) => { e.preventDefault(); if (loaded && !problems.length && !busy) save(); }}>
      <h3>Scan folders</h3>
      <label className="field">
        <span>Where a moved scan is looked for (a USB stick, a share), one a line</span>
        <textarea value={text} onChange={(e) => { setText(e.target.value); setNote(null); }} rows={2} placeholder="/media/usb"
          disabled={!loaded} data-testid="scan-folders" />
      </label>
      <div className="work-form-row">
        <div className="spacer" />
        <button type="submit" className="btn small" disabled={!loaded || problems.length > 0 || busy} data-testid="scan-folders-save">Save scan folders</button>
      </div>
      {problems.map((p) => <p key={p} className="error small" data-testid="scan-folders-problem">{p}</p>)}
      <NoteLine note={note} testId="scan-folders-message" />
    </form>
  );
}
