// "Try the demo slide": writes Smearlab's synthetic demo slide into the data
// folder (half a minute the first time, in a worker of the main process) and
// ingests it, so a new user can try the workstation without a scan. Disabled
// while the request runs; the main process also shares one write between
// callers, so a second window or click never writes twice.

import { useState } from 'react';
import type { SmearlabApi } from '../../src-main/api/client-types.ts';
import type { IngestStarted } from '../../src-main/api/views.ts';

export function DemoSlideButton(props: { api: SmearlabApi; onStarted: (started: IngestStarted) => void; onError: (error: unknown) => void }) {
  const [busy, setBusy] = useState(false);
  const start = () => {
    setBusy(true);
    props.api.openDemoSlide({}).then(props.onStarted, props.onError).finally(() => setBusy(false));
  };
  return (
    <button type="button" className="btn" onClick={start} disabled={busy} aria-busy={busy} data-testid="demo-slide"
      title="A synthetic Pap smear slide, made on this computer the first time (about half a minute)">
      {busy ? 'Preparing the demo slide…' : 'Try the demo slide'}
    </button>
  );
}
