// Export a dataset (startExport): where to (a USB stick, a share), which
// slides, which cells, whose labels decide them (the readers' consensus with
// the adjudicator's decisions, the majority, every reader, or one reader),
// which formats, the train/test split by smear. The job
// then reports through job-progress events like an ingest; verifyExport
// checks a finished export against its manifest. Every line says what is
// true now: the folder is checked as it is typed (absolute, like the
// contract wants), the "started" note goes once the job has ended, and a
// verdict goes when the folder it was about changes.

import { useEffect, useState } from 'react';
import type { SmearlabApi } from '../../src-main/api/client-types.ts';
import type { AnnotatorRecord, JobView, SlideListEntry } from '../../src-main/api/views.ts';
import { hostPathProblem } from '../../src-main/domain/host-path.ts';
import { errorText } from '../api/smearlab-api.ts';
import { exportDecision, type DecisionChoice } from '../model/reading-text.ts';

const DECISIONS: ReadonlyArray<readonly [DecisionChoice, string, string]> = [
  ['consensus', 'consensus', "the adjudicator's decision, else the readers' consensus under each slide's rule and quorum"],
  ['majority', 'majority', "the adjudicator's decision, else more than half of the readers"],
  ['all-readers', 'all readers', "the consensus as the class, and every reader's label in readers.csv"],
  ['reader', 'one reader', "that reader's own labels"],
];

const FORMATS = [
  ['cells', 'cell images (APACC names, class folders)'],
  ['slices', 'slices + label txt'],
  ['annotated', 'annotated slices'],
  ['yolo', 'YOLO'],
  ['coco', 'COCO'],
  ['geojson', 'QuPath GeoJSON'],
] as const;
type FormatName = (typeof FORMATS)[number][0];

export function ExportDialog({ api, slides, onClose }: { api: SmearlabApi; slides: SlideListEntry[]; onClose: () => void }) {
  const [targetDir, setTargetDir] = useState('');
  const [chosen, setChosen] = useState<Set<number>>(() => new Set(slides.map((s) => s.id)));
  const [labels, setLabels] = useState<'labelled' | 'all'>('labelled');
  const [flagged, setFlagged] = useState<'exclude' | 'include' | 'only'>('exclude');
  const [formats, setFormats] = useState<Record<FormatName, boolean>>({ cells: true, slices: true, annotated: false, yolo: false, coco: false, geojson: false });
  const [testPercent, setTestPercent] = useState(20);
  const [decisionChoice, setDecisionChoice] = useState<DecisionChoice>('consensus');
  const [readerName, setReaderName] = useState('');
  const [readers, setReaders] = useState<AnnotatorRecord[]>([]);
  const [job, setJob] = useState<JobView | null>(null);
  /** 'started' notes hold only while the job runs; 'verified' ones only for the folder they checked. */
  const [message, setMessage] = useState<{ text: string; error: boolean; kind: 'started' | 'verified' | 'failed' } | null>(null);
  const folder = targetDir.trim();
  const folderProblem = folder ? hostPathProblem(folder) : null;

  useEffect(() => {
    let live = true;
    api.listAnnotators().then((all) => {
      if (!live) return;
      const onlyReaders = all.filter((a) => a.role === 'reader');
      setReaders(onlyReaders);
      setReaderName((current) => current || (onlyReaders[0]?.name ?? ''));
    }, () => undefined);
    return () => { live = false; };
  }, [api]);
  const decision = exportDecision(decisionChoice, readerName);

  useEffect(() => api.on('job-progress', (j) => {
    setJob((current) => (current && current.id === j.id ? j : current));
  }), [api]);

  const start = () => {
    setMessage(null);
    api.startExport({
      targetDir: folder,
      slideIds: [...chosen],
      labels,
      flagged,
      ...(decision === null ? {} : { decision }),
      formats,
      split: testPercent > 0 ? { mode: 'auto', testFraction: testPercent / 100 } : { mode: 'none' },
    }).then((started) => {
      setJob(started.job);
      setMessage({ text: started.message, error: false, kind: 'started' });
    }, (e: unknown) => setMessage({ text: errorText(e), error: true, kind: 'failed' }));
  };
  const verify = () => {
    api.verifyExport({ folder }).then(
      (r) => setMessage({ text: r.message, error: !r.ok, kind: 'verified' }),
      (e: unknown) => setMessage({ text: errorText(e), error: true, kind: 'failed' }),
    );
  };
  const running = job !== null && (job.state === 'running' || job.state === 'queued');
  const shown = message?.kind === 'started' && !running ? null : message;

  return (
    <div className="help-backdrop" onClick={onClose}>
      <form className="help export-dialog" role="dialog" aria-label="Export dataset" data-testid="export-dialog"
        onClick={(e) => e.stopPropagation()} onSubmit={(e) => { e.preventDefault(); if (folder && !folderProblem && chosen.size > 0 && decision !== null) start(); }}>
        <h2>Export dataset</h2>
        <label className="field">
          <span>Folder (a USB stick or a network share)</span>
          <input value={targetDir} data-testid="export-folder" placeholder="/media/usb/apacc-export" autoFocus
            onChange={(e) => {
              setTargetDir(e.target.value);
              if (message?.kind !== 'started') setMessage(null);
            }} />
          {folderProblem && <span className="error small" data-testid="export-folder-problem">The folder {folderProblem}</span>}
        </label>
        <div className="export-columns">
          <fieldset>
            <legend>Slides</legend>
            {slides.map((s) => (
              <label key={s.id} className="check">
                <input type="checkbox" checked={chosen.has(s.id)} onChange={() => {
                  const next = new Set(chosen);
                  if (!next.delete(s.id)) next.add(s.id);
                  setChosen(next);
                }} />
                {s.smearId} <span className="muted small">({s.counts.labelled} labelled)</span>
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>Cells</legend>
            <label className="check"><input type="radio" checked={labels === 'labelled'} onChange={() => setLabels('labelled')} />labelled only</label>
            <label className="check"><input type="radio" checked={labels === 'all'} onChange={() => setLabels('all')} />all, unlabelled too</label>
            <span className="sub-legend">Flagged cells</span>
            {(['exclude', 'include', 'only'] as const).map((f) => (
              <label key={f} className="check"><input type="radio" checked={flagged === f} onChange={() => setFlagged(f)} />{f}</label>
            ))}
            <label className="field inline">
              <span>Test split, % of smears</span>
              <input type="number" min={0} max={90} value={testPercent} onChange={(e) => setTestPercent(Number(e.target.value))} />
            </label>
          </fieldset>
          <fieldset data-testid="export-decision">
            <legend>Labels decided by</legend>
            {DECISIONS.map(([value, text, hint]) => (
              <label key={value} className="check" title={hint}>
                <input type="radio" name="decision" checked={decisionChoice === value} onChange={() => setDecisionChoice(value)}
                  disabled={value === 'reader' && readers.length === 0} data-testid={`export-decision-${value}`} />{text}
              </label>
            ))}
            <select value={readerName} onChange={(e) => { setReaderName(e.target.value); setDecisionChoice('reader'); }}
              disabled={readers.length === 0} data-testid="export-decision-reader-name" aria-label="Reader whose labels are exported">
              {readers.map((a) => <option key={a.id} value={a.name}>{a.name}</option>)}
            </select>
            <span className="muted small">{DECISIONS.find(([value]) => value === decisionChoice)?.[2]}</span>
          </fieldset>
          <fieldset>
            <legend>Formats</legend>
            {FORMATS.map(([name, text]) => (
              <label key={name} className="check">
                <input type="checkbox" checked={formats[name]} onChange={() => setFormats({ ...formats, [name]: !formats[name] })} />{text}
              </label>
            ))}
          </fieldset>
        </div>
        {job && (
          <div className="job-line" data-job-state={job.state}>
            export {job.state}
            {job.progressTotal ? <span className="progress"><span className="progress-fill" style={{ width: `${(100 * job.progressDone) / job.progressTotal}%` }} /></span> : null}
            {job.progressTotal ? `${job.progressDone} / ${job.progressTotal} files` : ''}
            {job.error && <span className="error small">{job.error}</span>}
          </div>
        )}
        {shown && <p className={shown.error ? 'error' : 'muted'} data-testid="export-message">{shown.text}</p>}
        <div className="dialog-buttons">
          <button type="button" className="btn" data-testid="export-verify" onClick={verify} disabled={!folder || folderProblem !== null || running}>Verify folder</button>
          <div className="spacer" />
          <button type="button" className="btn ghost" onClick={onClose}>Close</button>
          <button type="submit" className="btn primary" data-testid="export-start" disabled={!folder || folderProblem !== null || chosen.size === 0 || running || decision === null}>Export</button>
        </div>
      </form>
    </div>
  );
}
