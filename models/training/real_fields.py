#!/usr/bin/python3
"""Real Pap fields for the default segmenter: CRICVA dev fields resampled to 1 um/px, with
pseudo-label masks from the classical recipe plus the annotated nucleus points.

    /usr/bin/python3 models/training/real_fields.py --out .cache/training

Reads shared/data/real-pap/cricva-dev (beside the clone, or --cricva): 92 CRIC Cervix fields
of 1280 px at 0.25 / 0.922190 um/px (Rezende et al., Sci Data 8:151, 2021,
doi:10.1038/s41597-021-00933-8; figshare doi:10.6084/m9.figshare.c.4960286; CC BY 4.0).
The 31 fields listed in models/training/cricva-heldout.json are NEVER written to the training
arrays; they go to separate held-out arrays used only for evaluation.

Writes (uint8 .npy, HWC RGB at 1 um/px, fields cropped to FIELD_H x FIELD_W):
  real_train_images.npy, real_train_masks.npy   61 training-split fields + pseudo-label masks
  real_val_images.npy                            31 held-out fields (no mask: evaluation only)
  real_val_points.json                           held-out nucleus points (1 um/px) with classes
  real_meta.json
The pseudo-label is the repository's classical segmenter (src-main/pipeline/segment/
classical-segmenter.ts) re-implemented here, with a disc of NUCLEUS_RADIUS_UM around every
annotated nucleus forced to foreground (pale cells the threshold misses).
"""
import argparse
import csv
import json
import os

import numpy as np
from PIL import Image
from scipy import ndimage as ndi

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
UM_PER_PX = 0.25 / 0.922190  # CRICVA 1280 px copies of ~0.25 um/px CRIC frames
TARGET_UM = 1.0  # model input scale (downsample 4 of a 0.25 um/px scan)
FIELD_H, FIELD_W = 256, 344  # every field is at least 257 x 347 px at 1 um/px
NUCLEUS_RADIUS_UM = 4.0

# Classical recipe (DEFAULT_CLASSICAL_CONFIG) in level-0 px of a 0.25 um/px scan, used at downsample 4.
DOWNSAMPLE = 4
OD_SCALE = 100
MIN_OD, MAX_OD = 0.12, 0.2
CLOSE_R, OPEN_R = 8, 4
MAX_HOLE_AREA, MIN_AREA = 64 * 64, 40 * 40

OD_TABLE = -np.log10((np.arange(256) + 0.5) / 256)


def otsu(hist):
    """Same as src-main/pipeline/otsu.ts: values <= t are one class."""
    hist = hist.astype(np.float64)
    total = hist.sum()
    if total == 0:
        return 127
    levels = np.arange(256)
    w_low = np.cumsum(hist)
    s_low = np.cumsum(hist * levels)
    w_high = total - w_low
    valid = (w_low > 0) & (w_high > 0)
    mean_low = np.where(valid, s_low / np.maximum(w_low, 1e-12), 0)
    mean_high = np.where(valid, (s_low[-1] - s_low) / np.maximum(w_high, 1e-12), 0)
    var = np.where(valid, w_low * w_high * (mean_low - mean_high) ** 2, -1)
    return int(np.argmax(var))  # first maximum, like the strict '>' in the TypeScript loop


def _square(mask, r, op):
    if r <= 0:
        return mask.copy()
    # border_value: dilation ignores outside pixels, erosion treats them as foreground (only
    # pixels inside the image count, as in mask-morphology.ts).
    st = np.ones((2 * r + 1, 2 * r + 1), bool)
    if op == 'dilate':
        return ndi.binary_dilation(mask, st, border_value=0)
    return ndi.binary_erosion(mask, st, border_value=1)


def classical_mask(rgb, downsample=DOWNSAMPLE):
    """uint8 HxWx3 -> bool mask, as ClassicalSegmenter at the given downsample."""
    scores = np.minimum(255, np.round(OD_TABLE[rgb].sum(2) * OD_SCALE)).astype(np.uint8)
    hist = np.bincount(scores.ravel(), minlength=256)
    t = min(round(MAX_OD * OD_SCALE), max(round(MIN_OD * OD_SCALE), otsu(hist)))
    mask = scores > t
    px = lambda v: max(0, round(v / downsample))
    area = lambda a: round(a / downsample ** 2)
    mask = _square(_square(mask, px(CLOSE_R), 'dilate'), px(CLOSE_R), 'erode')
    # Hole filling: enclosed background components (4-connected, not touching the border) up to max area.
    labels, n = ndi.label(~mask)
    if n:
        sizes = np.bincount(labels.ravel())
        border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
        fill = sizes <= area(MAX_HOLE_AREA)
        fill[border] = False
        fill[0] = False
        mask = mask | fill[labels]
    mask = _square(_square(mask, px(OPEN_R), 'erode'), px(OPEN_R), 'dilate')
    labels, n = ndi.label(mask)
    if n:
        sizes = np.bincount(labels.ravel())
        keep = sizes >= area(MIN_AREA)
        keep[0] = False
        mask = keep[labels]
    return mask


def resample(img, um_per_px=UM_PER_PX, target=TARGET_UM):
    """Area-average (box) resampling to `target` um/px, cropped to FIELD_H x FIELD_W (top-left kept)."""
    f = um_per_px / target
    w = int(round(img.width * f))
    h = int(round(img.height * f))
    out = np.asarray(img.convert('RGB').resize((w, h), Image.BOX))
    assert h >= FIELD_H and w >= FIELD_W, (h, w)
    return np.ascontiguousarray(out[:FIELD_H, :FIELD_W]), f


def disc_mask(shape, points, radius):
    yy, xx = np.mgrid[:shape[0], :shape[1]]
    m = np.zeros(shape, bool)
    for x, y in points:
        m |= (xx - x) ** 2 + (yy - y) ** 2 <= radius ** 2
    return m


def load_fields(cricva):
    cells = {}
    with open(os.path.join(cricva, 'annotations.csv')) as f:
        for row in csv.DictReader(f):
            name = os.path.basename(row['image_file'])
            cells.setdefault(name, []).append((float(row['x']), float(row['y']), row['bethesda_system']))
    names = sorted(os.listdir(os.path.join(cricva, 'images')))
    return names, cells


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', default='.cache/training')
    ap.add_argument('--cricva', default=os.path.join(REPO, '..', 'shared', 'data', 'real-pap', 'cricva-dev'))
    ap.add_argument('--heldout', default=os.path.join(HERE, 'cricva-heldout.json'))
    args = ap.parse_args()
    held = set(json.load(open(args.heldout))['heldOut'])
    names, cells = load_fields(args.cricva)
    assert held <= set(names), 'held-out names missing from the images folder'
    train_x, train_y, val_x, val_pts, stats = [], [], [], [], []
    for name in names:
        img, f = resample(Image.open(os.path.join(args.cricva, 'images', name)))
        pts = [(x * f, y * f, cls) for x, y, cls in cells.get(name, [])]
        if name in held:
            val_x.append(img)
            val_pts.append({'image': name, 'points': [[round(x, 2), round(y, 2), c] for x, y, c in pts]})
            continue
        mask = classical_mask(img)
        fg_classical = float(mask.mean())
        inside = [(x, y) for x, y, _ in pts if 0 <= x < FIELD_W and 0 <= y < FIELD_H]
        mask |= disc_mask(mask.shape, inside, NUCLEUS_RADIUS_UM / TARGET_UM)
        train_x.append(img)
        train_y.append(mask.astype(np.uint8))
        stats.append((name, fg_classical, float(mask.mean()), len(inside)))
    os.makedirs(args.out, exist_ok=True)
    np.save(os.path.join(args.out, 'real_train_images.npy'), np.stack(train_x))
    np.save(os.path.join(args.out, 'real_train_masks.npy'), np.stack(train_y))
    np.save(os.path.join(args.out, 'real_val_images.npy'), np.stack(val_x))
    json.dump(val_pts, open(os.path.join(args.out, 'real_val_points.json'), 'w'))
    meta = {
        'generator': 'models/training/real_fields.py', 'source': 'CRICVA dev fields (CRIC Cervix, CC BY 4.0)',
        'um_per_px_source': UM_PER_PX, 'um_per_px': TARGET_UM, 'field': [FIELD_H, FIELD_W],
        'train_fields': len(train_x), 'heldout_fields': len(val_x),
        'train_points': int(sum(s[3] for s in stats)),
        'pseudo_label': f'classical recipe at downsample {DOWNSAMPLE} (OD sum, Otsu bounded to [{MIN_OD}, {MAX_OD}], '
                        f'close {CLOSE_R}, fill holes <= {MAX_HOLE_AREA}, open {OPEN_R}, drop < {MIN_AREA} level-0 px^2) '
                        f'+ discs of {NUCLEUS_RADIUS_UM} um at nucleus points',
        'train_foreground_classical': float(np.mean([s[1] for s in stats])),
        'train_foreground_label': float(np.mean([s[2] for s in stats])),
    }
    json.dump(meta, open(os.path.join(args.out, 'real_meta.json'), 'w'), indent=2)
    print(json.dumps(meta, indent=2))


if __name__ == '__main__':
    main()
