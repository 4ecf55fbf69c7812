// The renderer's top level: the session (shell mode, annotator), then the
// library or an open slide. The open slide lives in the URL hash
// (#/slide/<id>), so a reload comes back to the same slide.

import { useEffect, useState } from 'react';
import type { SmearlabApi } from '../src-main/api/client-types.ts';
import type { AnnotatorRecord, SessionInfo } from '../src-main/api/views.ts';
import { errorText } from './api/smearlab-api.ts';
import { AnnotatorGate } from './library/annotator-gate.tsx';
import { LibraryPane } from './library/library-pane.tsx';
import { Workspace } from './workspace/workspace.tsx';

function slideIdFromHash(): number | null {
  const match = /^#\/slide\/(\d+)$/.exec(window.location.hash);
  return match ? Number(match[1]) : null;
}

export function App({ api }: { api: SmearlabApi }) {
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [annotator, setAnnotator] = useState<AnnotatorRecord | null>(null);
  const [slideId, setSlideId] = useState<number | null>(slideIdFromHash);
  const [error, setError] = useState<string | null>(null);
  const [pickRequest, setPickRequest] = useState(0);
  const [exportRequest, setExportRequest] = useState(0);

  useEffect(() => {
    api.getSession().then((s) => {
      setSession(s);
      setAnnotator(s.annotator);
    }, (e: unknown) => setError(errorText(e)));
    const onHash = () => setSlideId(slideIdFromHash());
    window.addEventListener('hashchange', onHash);
    const offMenu = api.on('menu-command', ({ command }) => {
      // Menu commands are library actions: leave the open slide for the library first.
      window.location.hash = '';
      if (command === 'open-slide' || command === 'ingest') setPickRequest((n) => n + 1);
      if (command === 'export') setExportRequest((n) => n + 1);
    });
    return () => {
      window.removeEventListener('hashchange', onHash);
      offMenu();
    };
  }, [api]);

  const open = (id: number | null) => {
    window.location.hash = id === null ? '' : `#/slide/${id}`;
    setSlideId(id);
  };

  if (error) return <div className="centre-page error">Smearlab is not answering: {error}</div>;
  if (!session) return <div className="centre-page muted">Starting…</div>;
  if (!annotator) return <AnnotatorGate api={api} onChosen={setAnnotator} />;
  if (slideId === null) {
    return (
      <LibraryPane api={api} session={session} annotator={annotator} onOpen={open}
        onSwitchAnnotator={() => setAnnotator(null)} pickRequest={pickRequest} exportRequest={exportRequest} />
    );
  }
  return <Workspace key={slideId} api={api} annotator={annotator} slideId={slideId} onClose={() => open(null)} />;
}
