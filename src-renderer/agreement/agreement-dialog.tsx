// The library's "Agreement" dialog: asks the API for the inter-reader
// agreement of the slides given and shows it (agreement-view.tsx). A reader
// the slide is still blind to is refused by the API; its words are shown.

import { useEffect, useState } from 'react';
import type { SmearlabApi } from '../../src-main/api/client-types.ts';
import type { AgreementReport } from '../../src-main/domain/agreement.ts';
import { errorText } from '../api/smearlab-api.ts';
import { AgreementView } from './agreement-view.tsx';

export function AgreementDialog({ api, slideIds, title, onClose }: {
  api: SmearlabApi;
  slideIds: number[];
  /** What the slides are called in the heading (a smear id). */
  title: string;
  onClose: () => void;
}) {
  const [report, setReport] = useState<AgreementReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = slideIds.join(',');

  useEffect(() => {
    let live = true;
    setReport(null);
    setError(null);
    api.agreement({ slideIds: key.split(',').map(Number) }).then(
      (r) => { if (live) setReport(r); },
      (e: unknown) => { if (live) setError(errorText(e)); },
    );
    return () => { live = false; };
  }, [api, key]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => { if (event.key === 'Escape') onClose(); };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <div className="help-backdrop" onClick={onClose}>
      <div className="help agreement-dialog" role="dialog" aria-label={`Agreement: ${title}`} data-testid="agreement-dialog"
        data-state={error ? 'error' : report ? 'ready' : 'loading'} onClick={(e) => e.stopPropagation()}>
        <div className="dialog-buttons">
          <h2>{title}</h2>
          <div className="spacer" />
          <button type="button" className="btn ghost" onClick={onClose} data-testid="agreement-close">Close</button>
        </div>
        {!report && !error && <p className="muted">Computing agreement…</p>}
        {error && <p className="error" data-testid="agreement-error">{error}</p>}
        {report && report.readers.length < 2 && (
          <p className="muted" data-testid="agreement-too-few">Agreement needs two readers who labelled the same cells; this slide has {report.readers.length}.</p>
        )}
        {report && <AgreementView report={report} />}
      </div>
    </div>
  );
}
