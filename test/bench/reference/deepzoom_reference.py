#!/usr/bin/python3
"""Reference for test/bench/tiles-bench.ts: times OpenSlide's own Python Deep
Zoom generator (openslide.deepzoom.DeepZoomGenerator, as used by
openslide-python's deepzoom_server) on a given list of tiles.

Each tile is timed the way that server makes it: get_tile() (read_region,
composite on the background colour, Lanczos shrink) then PIL JPEG encode.

Usage (Debian's /usr/bin/python3, which has python3-openslide):
  deepzoom_reference.py SLIDE TILES_JSON [--threads 1|2] [--quality 80]
                        [--tile-size 254] [--overlap 1] [--warmup WARM_JSON]
                        [--limit-bounds]
TILES_JSON is a file holding [[level, col, row], ...]; WARM_JSON, tiles made
untimed first (imports, first-use costs). Prints one JSON object:
  {"threads", "tiles", "wall_s", "cpu_s", "latencies_ms": [...], "bytes": total}
cpu_s is the process's user + system CPU time over the tile loop (all threads).
"""

import argparse
import io
import json
import resource
import sys
import threading
import time

import openslide
from openslide.deepzoom import DeepZoomGenerator


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('slide')
    parser.add_argument('tiles_json')
    parser.add_argument('--threads', type=int, default=1, choices=[1, 2, 3, 4])
    parser.add_argument('--quality', type=int, default=80)
    parser.add_argument('--tile-size', type=int, default=254)
    parser.add_argument('--overlap', type=int, default=1)
    parser.add_argument('--warmup')
    parser.add_argument('--limit-bounds', action='store_true',
                        help='cut the image to openslide.bounds-* (deepzoom_server does)')
    args = parser.parse_args()

    with open(args.tiles_json) as f:
        tiles = [tuple(t) for t in json.load(f)]
    slide = openslide.OpenSlide(args.slide)
    # One generator shared by all threads, as deepzoom_server shares it.
    dz = DeepZoomGenerator(slide, tile_size=args.tile_size, overlap=args.overlap, limit_bounds=args.limit_bounds)

    def make_tile(level, col, row):
        tile = dz.get_tile(level, (col, row))
        buf = io.BytesIO()
        tile.save(buf, 'jpeg', quality=args.quality)
        return buf.tell()

    if args.warmup:
        with open(args.warmup) as f:
            for level, col, row in json.load(f):
                make_tile(level, col, row)

    latencies = [0.0] * len(tiles)
    sizes = [0] * len(tiles)
    next_index = [0]
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                i = next_index[0]
                next_index[0] += 1
            if i >= len(tiles):
                return
            level, col, row = tiles[i]
            start = time.perf_counter()
            sizes[i] = make_tile(level, col, row)
            latencies[i] = (time.perf_counter() - start) * 1000.0

    threads = [threading.Thread(target=worker) for _ in range(args.threads)]
    cpu_start = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    cpu_end = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_end.ru_utime - cpu_start.ru_utime) + (cpu_end.ru_stime - cpu_start.ru_stime)
    slide.close()
    json.dump({
        'threads': args.threads,
        'tiles': len(tiles),
        'wall_s': wall,
        'cpu_s': cpu,
        'latencies_ms': latencies,
        'bytes': sum(sizes),
        'openslide': openslide.__library_version__,
    }, sys.stdout)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
