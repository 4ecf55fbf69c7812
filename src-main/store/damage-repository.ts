// Damaged parts of a scan met by the ingest (see migrations/003): recorded
// once per area, listed for the viewer, and summed for the library as the
// share of the smear they cover (the planned slices, weighted by their tissue
// fraction, stand for the smear).

import { intersectBoxes, unionArea } from '../domain/geometry.ts';
import type { Box } from '../domain/geometry.ts';
import type { DamageSummary, DamagedArea, DamagedRegionRecord } from '../domain/slide.ts';
import type { StoreContext } from './store-context.ts';
import { invalid, notFound } from './store-error.ts';
import { checkId, checkInt, checkText } from './validate.ts';

const REASON_MAX = 1000;

export interface DamageRepository {
  /** Keeps the areas not yet known for the slide (same level and box); returns how many were new. */
  recordDamagedRegions(slideId: number, areas: readonly DamagedArea[]): number;
  /** The slide's damaged areas, top to bottom. */
  listDamagedRegions(slideId: number): DamagedRegionRecord[];
  damageSummary(slideId: number): DamageSummary;
}

interface DamageRow {
  id: number; slideId: number; level: number; x: number; y: number; width: number; height: number;
  reason: string; recoveredFrom: number | null; createdAt: number;
}

function toRecord(row: DamageRow): DamagedRegionRecord {
  const { x, y, width, height, ...rest } = row;
  return { ...rest, box: { x, y, width, height } };
}

function checkArea(area: DamagedArea, index: number): DamagedArea {
  const what = `damaged area ${index + 1}`;
  if (typeof area !== 'object' || area === null || typeof area.box !== 'object' || area.box === null) throw invalid(`${what} must have a box`);
  return {
    box: {
      x: checkInt(area.box.x, `${what} x`, 0), y: checkInt(area.box.y, `${what} y`, 0),
      width: checkInt(area.box.width, `${what} width`, 1), height: checkInt(area.box.height, `${what} height`, 1),
    },
    level: checkInt(area.level, `${what} level`, 0),
    reason: checkText(area.reason, `${what} reason`, Number.MAX_SAFE_INTEGER).slice(0, REASON_MAX),
    recoveredFrom: area.recoveredFrom === null ? null : checkInt(area.recoveredFrom, `${what} recoveredFrom`, 0),
  };
}

/** Share of the smear `boxes` cover: the slices stand for the smear, each weighted by its tissue fraction. */
function smearShare(slices: ReadonlyArray<Box & { tissueFraction: number | null }>, boxes: readonly Box[]): number {
  let smear = 0;
  let covered = 0;
  for (const slice of slices) {
    const weight = slice.tissueFraction ?? 1;
    smear += slice.width * slice.height * weight;
    const inside = boxes.flatMap((b) => intersectBoxes(b, slice) ?? []);
    if (inside.length > 0) covered += unionArea(inside) * weight;
  }
  return smear > 0 ? Math.min(1, covered / smear) : 0;
}

export function createDamageRepository(ctx: StoreContext): DamageRepository {
  const requireSlide = (slideId: number) => {
    if (!ctx.sql('SELECT 1 FROM slides WHERE id = ?').get(checkId(slideId, 'slide id'))) throw notFound('slide', slideId);
  };
  const list = (slideId: number): DamagedRegionRecord[] => (ctx.sql(`SELECT id, slide_id AS slideId, level, x, y, width, height,
      reason, recovered_from AS recoveredFrom, created_at AS createdAt
    FROM damaged_regions WHERE slide_id = ? ORDER BY y, x, level, id`).all(slideId) as DamageRow[]).map(toRecord);
  return {
    recordDamagedRegions(slideId, areas) {
      if (!Array.isArray(areas)) throw invalid('damaged areas must be an array');
      const rows = areas.map(checkArea);
      return ctx.write(() => {
        requireSlide(slideId);
        const insert = ctx.sql(`INSERT INTO damaged_regions (slide_id, level, x, y, width, height, reason, recovered_from, created_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (slide_id, level, x, y, width, height) DO NOTHING`);
        const now = ctx.now();
        let inserted = 0;
        for (const { box, level, reason, recoveredFrom } of rows) {
          inserted += insert.run(slideId, level, box.x, box.y, box.width, box.height, reason, recoveredFrom, now).changes;
        }
        return inserted;
      });
    },
    listDamagedRegions(slideId) {
      requireSlide(slideId);
      return list(slideId);
    },
    damageSummary(slideId) {
      requireSlide(slideId);
      const regions = list(slideId);
      if (regions.length === 0) return { regions: 0, smearFraction: 0, unreadableFraction: 0 };
      const slices = ctx.sql('SELECT x, y, width, height, tissue_fraction AS tissueFraction FROM slices WHERE slide_id = ?')
        .all(slideId) as Array<Box & { tissueFraction: number | null }>;
      const unreadable = regions.filter((r) => r.recoveredFrom === null).map((r) => r.box);
      return {
        regions: regions.length,
        smearFraction: smearShare(slices, regions.map((r) => r.box)),
        unreadableFraction: unreadable.length === 0 ? 0 : smearShare(slices, unreadable),
      };
    },
  };
}
