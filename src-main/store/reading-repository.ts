// Several readers on one slide: its reading settings (blind, quorum, rule),
// every reader's label on a cell, each reader's progress and the slide's
// status, and the ratings the agreement statistics are computed from. All
// derived from reader_state / cell_state, which the triggers keep in step
// with the append-only events (migrations/005-readers.ts).

import type { CellClassName } from '../domain/cell-class.ts';
import type { ReaderRating } from '../domain/agreement.ts';
import {
  CONSENSUS_RULES, QUORUM_MAX, type CellReadings, type DecisionKind, type ReaderProgress, type ReadingSettings,
  type SlideReading, type SlideReadingStatus,
} from '../domain/reading.ts';
import { LIVE_CELL } from './cell-rows.ts';
import { redecideSlide } from './derived-state.ts';
import type { StoreContext } from './store-context.ts';
import { invalid, notFound } from './store-error.ts';
import { checkId, checkInt, checkOneOf } from './validate.ts';

export interface ReadingRepository {
  readingSettings(slideId: number): ReadingSettings;
  /** Changes what is given; a new rule or quorum re-decides every cell of the slide at once. */
  setReadingSettings(slideId: number, settings: Partial<ReadingSettings>): ReadingSettings;
  /** Every reader's current label and flag on the cell, the adjudicator's decision and the outcome. */
  cellReadings(cellId: number): CellReadings;
  /** Progress of every reader who labelled a live cell of the slide, and the slide's status. */
  slideReading(slideId: number): SlideReading;
  /** Every reader's current label on the live cells of the slides (one row per cell and reader), for agreement. */
  readerRatings(slideIds: readonly number[]): ReaderRating[];
  /** True when the annotator (a reader) has labelled every live cell of the slide. */
  readerFinished(slideId: number, annotatorId: number): boolean;
  /** True when an adjudicator has decided some cell of the slide (blinding ends for everyone). */
  adjudicationStarted(slideId: number): boolean;
}

interface SettingsRow { blind: number; quorum: number; rule: ReadingSettings['rule'] }

const SETTINGS_SQL = 'SELECT blind, quorum, consensus_rule AS rule FROM slides WHERE id = ?';

export function createReadingRepository(ctx: StoreContext): ReadingRepository {
  const settingsOf = (slideId: number): ReadingSettings => {
    const row = ctx.sql(SETTINGS_SQL).get(checkId(slideId, 'slide id')) as SettingsRow | undefined;
    if (!row) throw notFound('slide', slideId);
    return { blind: row.blind === 1, quorum: row.quorum, rule: row.rule };
  };
  const liveCells = (slideId: number) =>
    ctx.value(`SELECT count(*) FROM cells c LEFT JOIN cell_state st ON st.cell_id = c.id WHERE c.slide_id = ? AND ${LIVE_CELL}`, slideId) as number;
  const readerCounts = (slideId: number) => ctx.sql(`SELECT rs.annotator_id AS annotatorId, a.name,
      count(rs.label) AS labelled, coalesce(sum(rs.flagged), 0) AS flagged
    FROM cells c JOIN reader_state rs ON rs.cell_id = c.id JOIN annotators a ON a.id = rs.annotator_id
    LEFT JOIN cell_state st ON st.cell_id = c.id
    WHERE c.slide_id = ? AND ${LIVE_CELL} GROUP BY rs.annotator_id ORDER BY a.name`).all(slideId) as Array<Omit<ReaderProgress, 'finished'>>;

  return {
    readingSettings: settingsOf,
    setReadingSettings(slideId, settings) {
      if (typeof settings !== 'object' || settings === null) throw invalid('reading settings must be an object');
      return ctx.write(() => {
        const now = settingsOf(slideId);
        const next: ReadingSettings = {
          blind: settings.blind === undefined ? now.blind : checkBoolean(settings.blind, 'blind'),
          quorum: settings.quorum === undefined ? now.quorum : checkInt(settings.quorum, 'quorum', 1),
          rule: settings.rule === undefined ? now.rule : checkOneOf(settings.rule, CONSENSUS_RULES, 'consensus rule'),
        };
        if (next.quorum > QUORUM_MAX) throw invalid(`quorum must be at most ${QUORUM_MAX}, got ${next.quorum}`);
        ctx.sql('UPDATE slides SET blind = ?, quorum = ?, consensus_rule = ? WHERE id = ?')
          .run(next.blind ? 1 : 0, next.quorum, next.rule, slideId);
        if (next.quorum !== now.quorum || next.rule !== now.rule) redecideSlide(ctx, slideId);
        return next;
      });
    },
    cellReadings(cellId) {
      const id = checkId(cellId, 'cell id');
      if (!ctx.sql('SELECT 1 FROM cells WHERE id = ?').get(id)) throw notFound('cell', id);
      const readers = (ctx.sql(`SELECT rs.annotator_id AS annotatorId, a.name, rs.label, rs.flagged, e.created_at AS at
        FROM reader_state rs JOIN annotators a ON a.id = rs.annotator_id JOIN label_events e ON e.id = rs.last_event_id
        WHERE rs.cell_id = ? ORDER BY a.name`).all(id) as Array<{ annotatorId: number; name: string; label: CellClassName | null; flagged: number; at: number }>)
        .map((r) => ({ ...r, flagged: r.flagged === 1 }));
      const state = ctx.sql(`SELECT st.label, st.decided_by AS decidedBy, st.distinct_labels AS distinctLabels, st.flagged,
          st.adjudicated_event_id AS adjudicatedEventId, st.adjudicated_label AS adjudicatedLabel, e.annotator_id AS adjudicatorId,
          a.name AS adjudicatorName, e.created_at AS adjudicatedAt
        FROM cell_state st LEFT JOIN label_events e ON e.id = st.adjudicated_event_id LEFT JOIN annotators a ON a.id = e.annotator_id
        WHERE st.cell_id = ?`).get(id) as {
          label: CellClassName | null; decidedBy: DecisionKind | null; distinctLabels: number; flagged: number;
          adjudicatedEventId: number | null; adjudicatedLabel: CellClassName | null; adjudicatorId: number | null;
          adjudicatorName: string | null; adjudicatedAt: number | null;
        } | undefined;
      return {
        cellId: id,
        readers,
        adjudicated: state?.adjudicatedEventId
          ? { label: state.adjudicatedLabel, annotatorId: state.adjudicatorId as number, name: state.adjudicatorName as string, at: state.adjudicatedAt as number }
          : null,
        decision: state?.label ?? null,
        decidedBy: state?.decidedBy ?? null,
        disputed: (state?.distinctLabels ?? 0) > 1,
        flagged: state?.flagged === 1,
      };
    },
    slideReading(slideId) {
      const settings = settingsOf(slideId);
      const live = liveCells(slideId);
      const readers = readerCounts(slideId).map((r) => ({ ...r, finished: live > 0 && r.labelled >= live }));
      const open = ctx.sql(`SELECT
          coalesce(sum(st.adjudicated_label IS NULL AND (st.distinct_labels > 1 OR st.flagged = 1)), 0) AS disagreements,
          coalesce(sum(st.adjudicated_label IS NULL AND st.flagged = 1), 0) AS flags,
          coalesce(sum(st.label IS NOT NULL), 0) AS decided,
          coalesce(sum(st.label IS NULL AND st.readers >= ?), 0) AS unresolved,
          coalesce(sum(st.adjudicated_label IS NOT NULL), 0) AS adjudicated
        FROM cells c JOIN cell_state st ON st.cell_id = c.id WHERE c.slide_id = ? AND ${LIVE_CELL}`).get(settings.quorum, slideId) as
        { disagreements: number; flags: number; decided: number; unresolved: number; adjudicated: number };
      return {
        slideId, settings, readers, liveCells: live, decided: open.decided, openDisagreements: open.disagreements,
        openFlags: open.flags, unresolved: open.unresolved, adjudicated: open.adjudicated,
        status: readingStatus(settings, live, readers, open),
      };
    },
    readerRatings(slideIds) {
      if (!Array.isArray(slideIds)) throw invalid('slide ids must be an array');
      const rows: ReaderRating[] = [];
      for (const [i, slideId] of slideIds.entries()) {
        settingsOf(checkId(slideId, `slide id ${i + 1}`));
        rows.push(...ctx.sql(`SELECT c.id AS cellId, c.slide_id AS slideId, a.name AS reader, rs.label
          FROM cells c JOIN reader_state rs ON rs.cell_id = c.id JOIN annotators a ON a.id = rs.annotator_id
          LEFT JOIN cell_state st ON st.cell_id = c.id
          WHERE c.slide_id = ? AND ${LIVE_CELL} AND rs.label IS NOT NULL ORDER BY c.id, a.name`).all(slideId) as ReaderRating[]);
      }
      return rows;
    },
    readerFinished(slideId, annotatorId) {
      // Asked on every read of a blind slide: stop at the first cell the reader has left, rather than counting the slide.
      const id = checkId(slideId, 'slide id');
      const left = ctx.sql(`SELECT 1 FROM cells c LEFT JOIN cell_state st ON st.cell_id = c.id
        LEFT JOIN reader_state rs ON rs.cell_id = c.id AND rs.annotator_id = ?
        WHERE c.slide_id = ? AND ${LIVE_CELL} AND rs.label IS NULL LIMIT 1`).get(checkId(annotatorId, 'annotator id'), id);
      if (left) return false;
      return ctx.sql(`SELECT 1 FROM cells c LEFT JOIN cell_state st ON st.cell_id = c.id WHERE c.slide_id = ? AND ${LIVE_CELL} LIMIT 1`)
        .get(id) !== undefined;
    },
    adjudicationStarted(slideId) {
      return ctx.sql(`SELECT 1 FROM cells c JOIN cell_state st ON st.cell_id = c.id
        WHERE c.slide_id = ? AND st.adjudicated_event_id IS NOT NULL LIMIT 1`).get(checkId(slideId, 'slide id')) !== undefined;
    },
  };
}

/**
 * not-started: no reader has labelled a cell; reading: fewer readers than the
 * quorum have finished (or one who started has not); needs-adjudication: they
 * have, and disagreements or flags are open or cells are unresolved; done: nothing is open.
 */
export function readingStatus(
  settings: ReadingSettings, liveCells: number, readers: readonly ReaderProgress[],
  open: { disagreements: number; flags: number; unresolved: number },
): SlideReadingStatus {
  if (readers.every((r) => r.labelled === 0 && r.flagged === 0)) return 'not-started';
  const finished = readers.filter((r) => r.finished).length;
  if (liveCells === 0 || finished < Math.max(settings.quorum, 1) || readers.some((r) => r.labelled > 0 && !r.finished)) return 'reading';
  return open.disagreements > 0 || open.flags > 0 || open.unresolved > 0 ? 'needs-adjudication' : 'done';
}

function checkBoolean(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw invalid(`${what} must be true or false`);
  return value;
}
