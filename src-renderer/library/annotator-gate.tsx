// Who is labelling: chosen when the app starts (and again from the library's
// "Switch annotator", no reload). Local names, no passwords; pick a known one
// or type a new one. Every label event records this name. The role goes with
// the name: a reader labels, an adjudicator decides disputed cells. Left
// unpicked, a known name keeps its role and a new one reads.

import { useEffect, useState } from 'react';
import type { SmearlabApi } from '../../src-main/api/client-types.ts';
import type { AnnotatorRecord } from '../../src-main/api/views.ts';
import { ANNOTATOR_ROLES, type AnnotatorRole } from '../../src-main/domain/reading.ts';
import { errorText } from '../api/smearlab-api.ts';

const LAST_NAME_KEY = 'smearlab.lastAnnotator';

export function AnnotatorGate({ api, onChosen }: { api: SmearlabApi; onChosen: (annotator: AnnotatorRecord) => void }) {
  const [known, setKnown] = useState<AnnotatorRecord[] | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [role, setRole] = useState<AnnotatorRole | null>(null);
  const last = readLastName();

  useEffect(() => {
    api.listAnnotators().then(setKnown, (e: unknown) => setError(errorText(e)));
  }, [api]);

  const choose = (chosen: string) => {
    setBusy(true);
    setError(null);
    api.chooseAnnotator({ name: chosen, ...(role === null ? {} : { role }) }).then((annotator) => {
      writeLastName(annotator.name);
      onChosen(annotator);
    }, (e: unknown) => {
      setError(errorText(e));
      setBusy(false);
    });
  };

  return (
    <div className="centre-page">
      <form
        className="gate"
        data-testid="annotator-gate"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) choose(name.trim());
        }}
      >
        <h1>Smearlab</h1>
        <p className="muted">Who is labelling? Every label is recorded with this name and the time.</p>
        <fieldset className="role-choice" data-testid="annotator-role">
          <legend>Role {role === null && <span className="muted small">(unchanged; a new name reads)</span>}</legend>
          {ANNOTATOR_ROLES.map((r) => (
            <label key={r} className="check">
              <input type="radio" name="role" value={r} checked={role === r} onChange={() => setRole(r)} data-testid={`annotator-role-${r}`} />
              {r} <span className="muted small">{ROLE_HINTS[r]}</span>
            </label>
          ))}
        </fieldset>
        {known && known.length > 0 && (
          <div className="gate-list">
            {known.map((a) => (
              <button key={a.id} type="button" className={a.name === last ? 'btn primary' : 'btn'} disabled={busy}
                onClick={() => choose(a.name)} data-annotator={a.name} data-role={a.role}
                title={role !== null && role !== a.role ? `${a.name} becomes ${ROLE_WORDS[role]}` : undefined}>
                {a.name} <span className="role-tag">{role ?? a.role}</span>
              </button>
            ))}
          </div>
        )}
        <label className="field">
          <span>{known && known.length > 0 ? 'Or a new name' : 'Your name'}</span>
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={64} autoFocus placeholder="e.g. Dr. Kovacs"
            data-testid="annotator-name" />
        </label>
        <button type="submit" className="btn primary" disabled={busy || !name.trim()} data-testid="annotator-start">Start</button>
        {error && <p className="error">{error}</p>}
      </form>
    </div>
  );
}

const ROLE_WORDS: Record<AnnotatorRole, string> = { reader: 'a reader', adjudicator: 'an adjudicator' };
const ROLE_HINTS: Record<AnnotatorRole, string> = {
  reader: 'labels cells; own labels, own counters',
  adjudicator: 'decides the cells readers disagree on',
};

function readLastName(): string | null {
  try {
    return localStorage.getItem(LAST_NAME_KEY);
  } catch {
    return null;
  }
}

function writeLastName(name: string): void {
  try {
    localStorage.setItem(LAST_NAME_KEY, name);
  } catch {
    // Storage may be off (private window): only the preselection is lost.
  }
}
