// Builds the contract's view objects from store records: the one place that
// adds URLs and live job progress, so every operation shows them alike.

import type { ApiContext } from '../context.ts';
import type { SlideSummary } from '../../store/types.ts';
import type { CellView } from '../../domain/cell.ts';
import type { JobRecord } from '../../domain/job.ts';
import type { SlideRecord } from '../../domain/slide.ts';
import type { GalleryCell, JobView, LabelChangeView, SlideListEntry } from '../views.ts';
import type { LabelChange } from '../../domain/label.ts';
import { isBlinded, sessionView, suggestionsReader } from '../reading-policy.ts';

export function jobView(ctx: ApiContext, job: JobRecord): JobView {
  if (job.state !== 'running') return { ...job, live: null };
  return { ...job, live: job.kind === 'export' ? ctx.datasets.live(job.id) : ctx.jobs.live(job.id) };
}

/** File name of a path written on any platform. */
export function fileName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

export function slideEntry(ctx: ApiContext, summary: SlideSummary): SlideListEntry {
  const { slide } = summary;
  return {
    id: slide.id,
    smearId: slide.smearId,
    name: fileName(slide.path),
    path: slide.path,
    format: slide.format,
    kind: slide.kind,
    width: slide.width,
    height: slide.height,
    mppX: slide.mppX,
    mppY: slide.mppY,
    createdAt: slide.createdAt,
    thumbnailUrl: ctx.urls.slideThumbnail(slide.id),
    counts: summary.counts,
    slices: summary.slices,
    latestJob: summary.latestJob ? jobView(ctx, summary.latestJob) : null,
    damage: ctx.store.damageSummary(slide.id),
    scanAvailable: slide.kind === 'scan' && (ctx.scanSearch?.present(slide) ?? true),
    blind: ctx.store.readingSettings(slide.id).blind,
    // Disagreement counts would tell a blinded reader that others labelled differently.
    reading: isBlinded(ctx, slide.id) ? null : ctx.store.slideReading(slide.id),
  };
}

export function summaryOf(ctx: ApiContext, slide: SlideRecord): SlideSummary {
  return {
    slide,
    counts: ctx.counts.get(slide.id, sessionView(ctx)),
    slices: ctx.store.sliceProgress(slide.id),
    latestJob: ctx.store.latestJob(slide.id),
  };
}

export function galleryCell(ctx: ApiContext, cell: CellView): GalleryCell {
  const reader = suggestionsReader(ctx);
  return { ...cell, cropUrl: ctx.urls.cellCrop(cell.id, 'jpeg'), suggestion: reader === undefined ? null : ctx.store.suggestionFor(cell.id, reader) };
}

export function changeView(slideId: number, change: LabelChange): LabelChangeView {
  return { slideId, cellId: change.event.cellId, event: change.event, previous: change.previous, current: change.current };
}
