#!/usr/bin/python3
"""Bare OpenSlide read of a list of level-0 boxes, one process, one at a time:
the reference an ingest is measured against (`npm run bench:pipeline`).

openslide-python's read_region (Debian's python3-openslide), exactly what a
plain Python script slicing a smear would do: the same 2,000 px slices the
ingest plans, at level 0, each converted to an RGBA array and dropped.

Usage: /usr/bin/python3 bare_read.py SLIDE BOXES.json
BOXES.json: [[x, y, width, height], ...]. Prints one JSON object:
{"slices": n, "seconds": s} (reading only, not opening the slide).
"""
import json
import sys
import time

import numpy as np
import openslide


def main():
    slide = openslide.OpenSlide(sys.argv[1])
    with open(sys.argv[2]) as f:
        boxes = json.load(f)
    started = time.perf_counter()
    for x, y, w, h in boxes:
        np.asarray(slide.read_region((x, y), 0, (w, h)))
    seconds = time.perf_counter() - started
    slide.close()
    print(json.dumps({"slices": len(boxes), "seconds": seconds}))


main()
