#!/usr/bin/python3
"""scikit-image reference for src-main/pipeline/extract/extract-cells.ts.

Runs the same steps with the same config and placement, the way a Python
pipeline would write them with skimage 0.19 (Debian's /usr/bin/python3):
label(connectivity=2) and drop large components by area, binary_erosion with
np.ones((3, 3)) k times, label(connectivity=2), regionprops, keep candidates.

Usage: /usr/bin/python3 skimage_extract.py JOB.json
JOB.json: {"runs": N, "cases": [{"name", "npy", "downsample",
            "placement": {"origin", "slice", "slide"}, "config": {...}}]}
Each mask is a 2-D uint8 .npy (non-zero = cell). Prints one JSON object:
{"cases": [{"name", "candidates": [...], "times_ms": [...]}]}; the times
cover the extraction only, not reading the file.
"""
import json
import math
import sys
import time

import numpy as np
from skimage.measure import label, regionprops
from skimage.morphology import binary_erosion

SQUARE = np.ones((3, 3), dtype=bool)


def region_of(mask, ds, placement, mode):
    origin, slc = placement["origin"], placement["slice"]
    if mode == "whole-cell":
        return mask, origin["x"], origin["y"]
    x0 = (slc["x"] - origin["x"]) / ds
    y0 = (slc["y"] - origin["y"]) / ds
    w, h = slc["width"] / ds, slc["height"] / ds
    assert all(float(v).is_integer() for v in (x0, y0, w, h)), "slice not on whole mask pixels"
    x0, y0, w, h = int(x0), int(y0), int(w), int(h)
    return mask[y0:y0 + h, x0:x0 + w], slc["x"], slc["y"]


def clamp(x0, y0, x1, y1, b):
    x, y = max(x0, b["x"]), max(y0, b["y"])
    r, btm = min(x1, b["x"] + b["width"]), min(y1, b["y"] + b["height"])
    return {"x": x, "y": y, "width": max(0, r - x), "height": max(0, btm - y)}


def extract(mask, ds, placement, cfg):
    mode = cfg["mode"]
    k = cfg["erosionIterations"]
    region, ox, oy = region_of(mask, ds, placement, mode)
    slc, slide = placement["slice"], placement["slide"]
    bounds = slide if mode == "whole-cell" else slc
    h, w = region.shape

    # remove_large_conn_comp
    labels = label(region != 0, connectivity=2)
    areas = np.bincount(labels.ravel())
    drop = areas * ds * ds > cfg["maxComponentArea"]
    drop[0] = False
    work = (labels != 0) & ~drop[labels]
    # perform_erosion
    for _ in range(k):
        work = binary_erosion(work, footprint=SQUARE)
    # calc_individual_region_props + is_cell_candidate
    out = []
    for r in regionprops(label(work, connectivity=2)):
        area = r.area
        area0 = area * ds * ds
        if area0 < cfg["minArea"] or area0 > cfg["maxArea"]:
            continue
        mean_y, mean_x = r.centroid
        cx, cy = ox + (mean_x + 0.5) * ds, oy + (mean_y + 0.5) * ds
        if mode == "whole-cell" and not (slc["x"] <= cx < slc["x"] + slc["width"]
                                         and slc["y"] <= cy < slc["y"] + slc["height"]):
            continue
        perimeter = r.perimeter
        roundness = 4 * math.pi * area / (perimeter * perimeter) if perimeter > 0 else 0.0
        if roundness < cfg["minRoundness"]:
            continue
        solidity = r.solidity
        if solidity < cfg["minSolidity"]:
            continue
        eccentricity = r.eccentricity
        if eccentricity > cfg["maxEccentricity"]:
            continue
        min_y, min_x, max_y1, max_x1 = r.bbox
        cell = (math.floor(ox + (min_x - k) * ds), math.floor(oy + (min_y - k) * ds),
                math.ceil(ox + (max_x1 + k) * ds), math.ceil(oy + (max_y1 + k) * ds))
        pad = cfg["padding"]
        box = clamp(math.floor(cell[0] - pad), math.floor(cell[1] - pad),
                    math.ceil(cell[2] + pad), math.ceil(cell[3] + pad), bounds)
        out.append({
            "box": box,
            "cellBox": clamp(*cell, bounds),
            "centre": {"x": float(cx), "y": float(cy)},
            "area": float(area0),
            "perimeter": float(perimeter * ds),
            "roundness": float(roundness),
            "solidity": float(solidity),
            "eccentricity": float(eccentricity),
        })
    return out


def load_npy(path):
    mask = np.load(path)
    if mask.ndim != 2:
        raise SystemExit(f"{path}: expected a 2-D mask, got shape {mask.shape}")
    return np.ascontiguousarray(mask)


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        job = json.load(f)
    runs = int(job.get("runs", 3))
    results = []
    for case in job["cases"]:
        mask = load_npy(case["npy"])
        times, cands = [], None
        for _ in range(runs):
            t0 = time.perf_counter()
            cands = extract(mask, float(case["downsample"]), case["placement"], case["config"])
            times.append((time.perf_counter() - t0) * 1000)
        results.append({"name": case["name"], "candidates": cands, "times_ms": times})
    json.dump({"cases": results}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
