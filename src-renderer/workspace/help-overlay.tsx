// The `?` help: generated from the keymap table, so it lists exactly the
// keys the handler obeys.

import { chordLabel, KEYMAP, type KeyBinding } from '../keymap.ts';

const GROUPS: ReadonlyArray<KeyBinding['group']> = ['Label', 'Move', 'Adjudicate', 'View', 'Edit'];

export function HelpOverlay({ onClose }: { onClose: () => void }) {
  return (
    <div className="help-backdrop" onClick={onClose} data-testid="help">
      <div className="help" role="dialog" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard</h2>
        <div className="help-columns">
          {GROUPS.map((group) => (
            <section key={group}>
              <h3>{group}</h3>
              <table>
                <tbody>
                  {KEYMAP.filter((b) => b.group === group).map((b) => (
                    <tr key={b.description}>
                      <td className="keys">{b.chords.map((c) => <kbd key={chordLabel(c)}>{chordLabel(c)}</kbd>)}</td>
                      <td>{b.description}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ))}
        </div>
        <p className="muted">A label is saved before the focus moves on; keys typed ahead wait their turn. Mouse: drag to pan, wheel to zoom, click a cell to focus it.</p>
      </div>
    </div>
  );
}
