// The library: every ingested slide with its thumbnail, counts per class,
// labelled / total and its ingest job's live progress (job-progress events);
// and where to start an ingest: a path field (browser mode) or the system
// file picker (Electron, openSlideFile); and the dataset export dialog.
// Several readers: each card says where the reading stands (in words), marks
// a blind slide, holds the slide's reading settings and opens its agreement.
// Between workstations: work packages written and merged, the scan folders,
// and a card whose scan cannot be shown offers to find it.

import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { SmearlabApi } from '../../src-main/api/client-types.ts';
import type { AnnotatorRecord, IngestStarted, JobView, SessionInfo, SlideListEntry } from '../../src-main/api/views.ts';
import { CELL_CLASSES } from '../../src-main/domain/cell-class.ts';
import { CONSENSUS_RULES, QUORUM_MAX, type ReadingSettings } from '../../src-main/domain/reading.ts';
import { hostPathProblem } from '../../src-main/domain/host-path.ts';
import { errorText } from '../api/smearlab-api.ts';
import { AgreementDialog } from '../agreement/agreement-dialog.tsx';
import { BLIND_STATUS_TEXT, readingStatusKey, readingStatusText } from '../model/reading-text.ts';
import { DemoSlideButton } from './demo-slide-button.tsx';
import { ExportDialog } from './export-dialog.tsx';
import { ScanFinder } from './scan-finder.tsx';
import { WorkPackages } from './work-packages.tsx';
import { scanFoundText } from '../model/work-package-text.ts';

const REFRESH_DEBOUNCE_MS = 250;

export function LibraryPane(props: {
  api: SmearlabApi;
  session: SessionInfo;
  annotator: AnnotatorRecord;
  onOpen: (slideId: number) => void;
  onSwitchAnnotator: () => void;
  /** Bumped by the Electron menu's Open / Ingest command. */
  pickRequest: number;
  /** Bumped by the Electron menu's Export command. */
  exportRequest: number;
}) {
  const { api, session, onOpen } = props;
  const [slides, setSlides] = useState<SlideListEntry[] | null>(null);
  const [jobs, setJobs] = useState<Map<number, JobView>>(new Map());
  const [path, setPath] = useState('');
  // Blank: the slide's own pixel size. Filled: um per pixel for scans that do not say (or say wrongly).
  const [mpp, setMpp] = useState('');
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [exporting, setExporting] = useState(false);
  const [agreementOf, setAgreementOf] = useState<SlideListEntry | null>(null);

  const refresh = useCallback(() => {
    api.listSlides().then(setSlides, (e: unknown) => setMessage({ text: errorText(e), error: true }));
  }, [api]);

  useEffect(() => {
    refresh();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, REFRESH_DEBOUNCE_MS);
    };
    const offJobs = api.on('job-progress', (job) => {
      if (job.slideId !== null) setJobs((old) => new Map(old).set(job.slideId!, job));
      if (job.state !== 'running' && job.state !== 'queued') later();
    });
    const offSlides = api.on('slides-changed', later);
    return () => {
      clearTimeout(timer);
      offJobs();
      offSlides();
    };
  }, [api, refresh]);

  // Checked as it is typed, exactly as the contract will: a relative path is refused here, not after a round trip.
  const pathProblem = path.trim() ? hostPathProblem(path.trim()) : null;

  const ingest = (slidePath: string) => {
    setMessage(null);
    const umPerPx = Number(mpp.trim().replace(',', '.'));
    if (mpp.trim() && !(Number.isFinite(umPerPx) && umPerPx > 0)) {
      setMessage({ text: `µm/px must be a number such as 0.25 (got "${mpp.trim()}"); leave it blank to use the slide's own`, error: true });
      return;
    }
    api.startIngest({ path: slidePath, ...(mpp.trim() ? { mpp: umPerPx } : {}) }).then(showStarted, showError);
  };

  const showStarted = (started: IngestStarted) => {
    setMessage({ text: started.message, error: false });
    if (started.job?.slideId) setJobs((old) => new Map(old).set(started.job!.slideId!, started.job!));
    refresh();
  };
  const showError = (e: unknown) => setMessage({ text: errorText(e), error: true });

  const pick = useCallback(() => {
    setMessage(null);
    api.openSlideFile({}).then((result) => {
      if (result.slide) onOpen(result.slide.id);
      else if (result.ingest) {
        setMessage({ text: result.ingest.message, error: false });
        refresh();
      }
    }, (e: unknown) => setMessage({ text: errorText(e), error: true }));
  }, [api, onOpen, refresh]);

  useEffect(() => {
    if (props.pickRequest > 0 && session.canPickFiles) pick();
  }, [props.pickRequest, session.canPickFiles, pick]);

  useEffect(() => {
    if (props.exportRequest > 0) setExporting(true);
  }, [props.exportRequest]);

  return (
    <div className="library" data-testid="library">
      <header className="topbar">
        <h1 className="brand">Smearlab</h1>
        <span className="muted">Library</span>
        <div className="spacer" />
        <button type="button" className="btn" onClick={() => setExporting(true)} disabled={!slides?.length} data-testid="export-open">
          Export dataset…
        </button>
        <span className="annotator" data-testid="annotator-current" data-role={props.annotator.role}>
          {props.annotator.name} · {props.annotator.role}
        </span>
        <button type="button" className="btn ghost" onClick={props.onSwitchAnnotator} data-testid="annotator-switch">Switch annotator</button>
      </header>
      <section className="ingest-bar">
        {session.canPickFiles ? (
          <button type="button" className="btn primary" onClick={pick}>Open slide…</button>
        ) : (
          <form
            className="ingest-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (path.trim() && !pathProblem) ingest(path.trim());
            }}
          >
            <label className="field inline">
              <span>Slide path</span>
              <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="/data/scans/10030_18.mrxs" size={60}
                data-testid="ingest-path" />
            </label>
            <label className="field inline" title="Pixel size of the scan's full resolution; leave blank to use the slide's own">
              <span>µm/px</span>
              <input value={mpp} onChange={(e) => setMpp(e.target.value)} placeholder="from slide" size={8} inputMode="decimal"
                data-testid="ingest-mpp" />
            </label>
            <button type="submit" className="btn primary" disabled={!path.trim() || pathProblem !== null} data-testid="ingest-start">Ingest</button>
            {pathProblem && <span className="error small" data-testid="ingest-path-problem">The slide path {pathProblem}</span>}
          </form>
        )}
        <DemoSlideButton api={api} onStarted={showStarted} onError={showError} />
        {message && <span className={message.error ? 'error' : 'muted'} data-testid="library-message">{message.text}</span>}
      </section>
      {slides && <WorkPackages api={api} slides={slides} onMerged={refresh} />}
      {slides === null && <p className="muted pad">Loading…</p>}
      {slides?.length === 0 && <p className="muted pad">No slides yet: ingest one above, or try the demo slide.</p>}
      {exporting && slides && <ExportDialog api={api} slides={slides} onClose={() => setExporting(false)} />}
      {agreementOf && (
        <AgreementDialog api={api} slideIds={[agreementOf.id]} title={agreementOf.smearId} onClose={() => setAgreementOf(null)} />
      )}
      <div className="slide-grid">
        {slides?.map((slide) => (
          <SlideCard key={slide.id} api={api} slide={slide} job={jobs.get(slide.id) ?? slide.latestJob} onOpen={() => onOpen(slide.id)}
            onScanFound={refresh} onCancel={(jobId) => { void api.cancelJob({ jobId }).catch((e: unknown) => setMessage({ text: errorText(e), error: true })); }}>
            <ReadingLine api={api} slide={slide} onChanged={refresh} onAgreement={() => setAgreementOf(slide)} />
          </SlideCard>
        ))}
      </div>
    </div>
  );
}

function SlideCard({ api, slide, job, onOpen, onCancel, onScanFound, children }: {
  api: SmearlabApi; slide: SlideListEntry; job: JobView | null; onOpen: () => void; onCancel: (jobId: number) => void;
  onScanFound: () => void; children?: ReactNode;
}) {
  const [thumbFailed, setThumbFailed] = useState(false);
  const [found, setFound] = useState<string | null>(null);
  // The scan pointed somewhere else: the preview is asked for again.
  useEffect(() => setThumbFailed(false), [slide.path]);
  const c = slide.counts;
  const running = job && (job.state === 'running' || job.state === 'queued');
  return (
    <article className="slide-card" data-testid="slide-card" data-slide-id={slide.id}>
      <button type="button" className="slide-open" onClick={onOpen} title={`Open ${slide.smearId}`}>
        <span className="thumb">
          {thumbFailed ? <span className="muted small">no preview</span> : (
            <img key={slide.path} src={slide.thumbnailUrl} alt="" loading="lazy" onError={() => setThumbFailed(true)} />
          )}
        </span>
        <span className="slide-card-body">
          <b className="slide-name">{slide.smearId}</b>
          <span className="muted small">{slide.name} · {slide.width.toLocaleString()} × {slide.height.toLocaleString()} px
            {slide.mppX ? ` · ${slide.mppX.toFixed(3)} µm/px` : ''}</span>
          {!slide.mppX && (
            <span className="error small" data-testid="slide-mpp-unknown"
              title="The scan does not say its pixel size, so cell sizes assume 0.25 µm/px. If it is another, run: smearlab ingest <scan> --mpp <µm/px> --force">
              pixel size unknown: 0.25 µm/px assumed
            </span>
          )}
          <span className="slide-progress">
            <span data-testid="slide-labelled">{c.labelled.toLocaleString()} / {c.total.toLocaleString()}</span> labelled
            <span className="progress"><span className="progress-fill" style={{ width: `${c.total ? (100 * c.labelled) / c.total : 0}%` }} /></span>
          </span>
          <span className="class-counts">
            {CELL_CLASSES.map((cls) => (
              <span key={cls.name} className="count-chip small" title={cls.name}>
                <span className="swatch" style={{ background: cls.colour }} />{c.byClass[cls.name]}
              </span>
            ))}
            {c.flagged > 0 && <span className="count-chip small">⚑ {c.flagged}</span>}
          </span>
        </span>
      </button>
      {/* No preview of a scanned slide: most often its scan is not where the database says (another workstation's). */}
      {(thumbFailed || !slide.scanAvailable) && slide.kind === 'scan' && (
        <div className="card-scan-missing">
          <p className="small">No preview: the scan may have moved.</p>
          <ScanFinder api={api} slide={slide} onFound={(entry) => { setFound(scanFoundText(entry)); onScanFound(); }} />
        </div>
      )}
      {found && <p className="muted small card-scan-found" data-testid="scan-found">{found}</p>}
      {children}
      {job && <JobLine job={job} onCancel={onCancel} running={Boolean(running)} />}
    </article>
  );
}

/**
 * Where the slide's reading stands (words first: the badge's colour only
 * repeats them), blind or not, its reading settings and its agreement. The
 * settings apply at once; a refusal (a reader the slide is blind to) is shown
 * as the API words it.
 */
function ReadingLine({ api, slide, onChanged, onAgreement }: {
  api: SmearlabApi; slide: SlideListEntry; onChanged: () => void; onAgreement: () => void;
}) {
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // What was just asked for, shown until the library's next answer (or a refusal) says what is stored.
  const [pending, setPending] = useState<Partial<ReadingSettings>>({});
  useEffect(() => setPending({}), [slide]);
  const reading = slide.reading;
  const stored = reading?.settings;
  const settings = stored ? { ...stored, ...pending } : undefined;
  const apply = (patch: Partial<ReadingSettings>) => {
    setBusy(true);
    setProblem(null);
    setPending((p) => ({ ...p, ...patch }));
    api.setReadingSettings({ slideId: slide.id, ...patch }).then(
      () => { setBusy(false); onChanged(); },
      (e: unknown) => { setBusy(false); setPending({}); setProblem(errorText(e)); },
    );
  };
  const status = readingStatusKey(reading);
  return (
    <div className="reading-line" data-testid="reading-line">
      <div className="reading-summary">
        <span className={`reading-badge reading-${status}`} data-testid="reading-status" data-status={status}
          title={reading ? readingTitle(slide) : "Read blind: other readers' progress is hidden until you have labelled every cell"}>
          {reading ? readingStatusText(reading) : BLIND_STATUS_TEXT}
        </span>
        {slide.blind && <span className="blind-marker" data-testid="blind-marker" title="Readers see only their own labels until they finish">blind</span>}
        <div className="spacer" />
        <button type="button" className="btn small" onClick={onAgreement} data-testid="agreement-open">Agreement</button>
      </div>
      <details className="reading-settings" data-testid="reading-settings">
        <summary>Reading settings</summary>
        <div className="reading-settings-body">
          <label className="check" title="Readers see only their own labels until they have labelled every cell or an adjudicator has started deciding">
            <input type="checkbox" checked={settings?.blind ?? pending.blind ?? slide.blind} disabled={busy}
              onChange={(e) => apply({ blind: e.target.checked })} data-testid="setting-blind" />
            blind reading
          </label>
          <label className="field inline" title="Readers who must have labelled a cell before their labels decide it">
            <span>quorum</span>
            <select value={settings?.quorum ?? ''} disabled={busy} onChange={(e) => apply({ quorum: Number(e.target.value) })} data-testid="setting-quorum">
              {!settings && <option value="">hidden</option>}
              {Array.from({ length: QUORUM_MAX }, (_, i) => i + 1).map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          </label>
          <label className="field inline" title="unanimous: every reader who labelled the cell agrees; majority: more than half do">
            <span>rule</span>
            <select value={settings?.rule ?? ''} disabled={busy}
              onChange={(e) => apply({ rule: e.target.value as ReadingSettings['rule'] })} data-testid="setting-rule">
              {!settings && <option value="">hidden</option>}
              {CONSENSUS_RULES.map((r) => <option key={r} value={r}>{r}</option>)}
            </select>
          </label>
        </div>
      </details>
      {problem && <p className="error small" data-testid="reading-problem">{problem}</p>}
    </div>
  );
}

function readingTitle(slide: SlideListEntry): string {
  const r = slide.reading!;
  const readers = r.readers.map((p) => `${p.name}: ${p.labelled}/${r.liveCells}${p.finished ? ' (finished)' : ''}`).join(', ');
  return `${readers || 'no reader yet'} · ${r.decided}/${r.liveCells} decided · ${r.adjudicated} adjudicated · `
    + `${r.openDisagreements} open disagreements (${r.openFlags} flagged) · quorum ${r.settings.quorum}, ${r.settings.rule}`;
}

function JobLine({ job, running, onCancel }: { job: JobView; running: boolean; onCancel: (jobId: number) => void }) {
  const done = job.live?.slicesDone ?? job.progressDone;
  const total = job.live?.slicesTotal ?? job.progressTotal;
  const percent = total ? Math.min(100, (100 * done) / total) : 0;
  return (
    <div className={`job-line job-${job.state}`} data-testid="job-line" data-job-state={job.state}>
      <span>{job.kind} {job.state}</span>
      {running && (
        <>
          <span className="progress"><span className="progress-fill" style={{ width: `${percent}%` }} /></span>
          <span className="small">{done}/{total ?? '?'} slices{job.live ? ` · ${job.live.cells} cells` : ''}
            {job.live?.etaSeconds != null ? ` · ${Math.ceil(job.live.etaSeconds)} s left` : ''}</span>
          {!job.live?.cancelling && <button type="button" className="btn small ghost" onClick={() => onCancel(job.id)}>Cancel</button>}
        </>
      )}
      {job.state === 'failed' && job.error && <span className="error small">{job.error}</span>}
    </div>
  );
}
