#!/usr/bin/python3
"""Independent reader of a Smearlab export (Python standard library only).

Checks the structure of the APACC layout, YOLO and COCO outputs and the
manifest's checksums without any Smearlab code, so the tests compare our
writer against a second implementation of the formats.

Usage: /usr/bin/python3 check_dataset.py <export folder>
Prints one JSON object; exit code 0 when no error was found.
"""
import hashlib
import json
import os
import re
import struct
import sys

CLASSES = {0: 'healthy', 1: 'rubbish', 2: 'unhealthy', 3: 'bothcells'}
CELL_NAME = re.compile(r'^(.+)_(\d+)-(\d+)_(\d+)_(-?\d+)-(-?\d+)_(\d{4}-\d{2}-\d{2})\.png$')
SLICE_STEM = re.compile(r'^(.+)_(\d+)_(\d+)$')
NUMBER = re.compile(r'^(0|[1-9]\d*)?(\.\d+)?$')


def png_size(path):
    with open(path, 'rb') as f:
        head = f.read(24)
    if head[:8] != b'\x89PNG\r\n\x1a\n' or head[12:16] != b'IHDR':
        raise ValueError('not a PNG')
    return struct.unpack('>II', head[16:24])


def check_label_file(path, width, height, errors, nc=4):
    with open(path, 'rb') as f:
        raw = f.read()
    text = raw.decode('utf-8')
    if text and not text.endswith('\n'):
        errors.append(f'{path}: no final newline')
    if '\r' in text:
        errors.append(f'{path}: CR in line endings')
    ids = []
    for n, line in enumerate(text.splitlines(), 1):
        fields = line.split(' ')
        if len(fields) != 5:
            errors.append(f'{path}:{n}: {len(fields)} fields')
            continue
        if not fields[0].isdigit() or int(fields[0]) >= nc:
            errors.append(f'{path}:{n}: class {fields[0]}')
            continue
        values = []
        for field in fields[1:]:
            if not NUMBER.match(field) or field in ('', '.'):
                errors.append(f'{path}:{n}: number {field!r} not in shortest plain decimal form')
                break
            if field != repr(float(field)).rstrip('0').rstrip('.') and not (field == '0' or field == '1'):
                # Python's repr is the shortest round-trip form too; allow '1'/'0' for 1.0/0.0.
                errors.append(f'{path}:{n}: {field!r} is not the shortest form ({repr(float(field))})')
            values.append(float(field))
        if len(values) != 4:
            continue
        cx, cy, w, h = values
        if not all(0 <= v <= 1 for v in values) or w <= 0 or h <= 0:
            errors.append(f'{path}:{n}: values outside 0..1')
        x0 = round(cx * width - w * width / 2)
        x1 = x0 + round(w * width)
        y0 = round(cy * height - h * height / 2)
        y1 = y0 + round(h * height)
        if x0 < 0 or y0 < 0 or x1 > width or y1 > height:
            errors.append(f'{path}:{n}: box outside the slice')
        ids.append(int(fields[0]))
    # Lines grouped by class name alphabetically: bothcells, healthy, rubbish, unhealthy.
    order = [sorted(CLASSES.values()).index(CLASSES[i]) for i in ids]
    if order != sorted(order):
        errors.append(f'{path}: lines not grouped by class name')
    return len(ids)


def main(root):
    errors = []
    summary = {'cells': 0, 'slices': 0, 'boxes': 0, 'yolo_images': 0, 'coco_images': 0, 'coco_annotations': 0, 'files_checked': 0}
    smears = {'train': set(), 'test': set()}
    manifest = json.load(open(os.path.join(root, 'manifest.json'), encoding='utf-8'))
    file_ids = {s['fileId'] for s in manifest['smears']}
    listed = {f['path'] for f in manifest['files']}
    on_disk = set()
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            rel = os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, '/')
            on_disk.add(rel)
    if on_disk - listed - {'manifest.json'}:
        errors.append(f'files not in the manifest: {sorted(on_disk - listed - {"manifest.json"})[:5]}')
    for f in manifest['files']:
        with open(os.path.join(root, f['path']), 'rb') as fh:
            data = fh.read()
        if hashlib.sha256(data).hexdigest() != f['sha256'] or len(data) != f['bytes']:
            errors.append(f'{f["path"]}: checksum or size differs from the manifest')
        summary['files_checked'] += 1

    for split in ('train', 'test'):
        cells_dir = os.path.join(root, 'cells', split)
        if os.path.isdir(cells_dir):
            for cls in os.listdir(cells_dir):
                if cls not in CLASSES.values() and cls != 'unlabelled':
                    errors.append(f'cells/{split}/{cls}: not a class folder')
                for name in os.listdir(os.path.join(cells_dir, cls)):
                    m = CELL_NAME.match(name)
                    if not m:
                        errors.append(f'cells/{split}/{cls}/{name}: name does not follow the APACC convention')
                        continue
                    smears[split].add(m.group(1))
                    png_size(os.path.join(cells_dir, cls, name))
                    summary['cells'] += 1
        slices_dir = os.path.join(root, 'slices', split)
        if os.path.isdir(slices_dir):
            for name in sorted(os.listdir(slices_dir)):
                stem, ext = os.path.splitext(name)
                m = SLICE_STEM.match(stem)
                if not m:
                    errors.append(f'slices/{split}/{name}: name is not <smear>_<x>_<y>')
                    continue
                smears[split].add(m.group(1))
                if ext == '.png':
                    summary['slices'] += 1
                    width, height = png_size(os.path.join(slices_dir, name))
                    txt = os.path.join(slices_dir, stem + '.txt')
                    if not os.path.exists(txt):
                        errors.append(f'slices/{split}/{name}: no label file beside it')
                    else:
                        summary['boxes'] += check_label_file(txt, width, height, errors)
    for split_smears in smears.values():
        unknown = split_smears - file_ids
        if unknown:
            errors.append(f'smears in file names but not in the manifest: {sorted(unknown)}')
    if smears['train'] & smears['test']:
        errors.append(f'smears in both train and test: {sorted(smears["train"] & smears["test"])}')

    yolo = os.path.join(root, 'yolo')
    if os.path.isdir(yolo):
        data = {}
        names = {}
        with open(os.path.join(yolo, 'data.yaml'), encoding='utf-8') as f:
            in_names = False
            for line in f:
                if line.startswith('#') or not line.strip():
                    continue
                if line.startswith('  ') and in_names:
                    k, v = line.strip().split(':', 1)
                    names[int(k)] = v.strip()
                    continue
                k, v = line.split(':', 1)
                in_names = k == 'names'
                data[k] = v.strip()
        if names != CLASSES or data.get('nc') != '4':
            errors.append(f'yolo/data.yaml: names {names}, nc {data.get("nc")}')
        for key in ('train', 'val'):
            if not os.path.isdir(os.path.join(yolo, data.get(key, '?'))):
                errors.append(f'yolo/data.yaml: {key} folder {data.get(key)} missing')
        for split in ('train', 'test'):
            images = os.path.join(yolo, 'images', split)
            if not os.path.isdir(images):
                continue
            for name in os.listdir(images):
                stem = os.path.splitext(name)[0]
                label = os.path.join(yolo, 'labels', split, stem + '.txt')
                if not os.path.exists(label):
                    errors.append(f'yolo/images/{split}/{name}: no label file')
                    continue
                width, height = png_size(os.path.join(images, name))
                check_label_file(label, width, height, errors, nc=len(names))
                summary['yolo_images'] += 1

    coco_dir = os.path.join(root, 'coco')
    if os.path.isdir(coco_dir):
        for name in os.listdir(coco_dir):
            split = os.path.splitext(name)[0]
            coco = json.load(open(os.path.join(coco_dir, name), encoding='utf-8'))
            for key in ('images', 'annotations', 'categories'):
                if not isinstance(coco.get(key), list):
                    errors.append(f'coco/{name}: {key} missing')
            cats = {c['id']: c['name'] for c in coco['categories']}
            if cats != {k + 1: v for k, v in CLASSES.items()}:
                errors.append(f'coco/{name}: categories {cats}')
            images = {}
            for im in coco['images']:
                if im['id'] in images:
                    errors.append(f'coco/{name}: image id {im["id"]} twice')
                images[im['id']] = im
                path = os.path.join(root, 'slices', split, im['file_name'])
                if not os.path.exists(path):
                    errors.append(f'coco/{name}: {im["file_name"]} not in slices/{split}')
                elif png_size(path) != (im['width'], im['height']):
                    errors.append(f'coco/{name}: size of {im["file_name"]} differs')
            ann_ids = set()
            for a in coco['annotations']:
                if a['id'] in ann_ids:
                    errors.append(f'coco/{name}: annotation id {a["id"]} twice')
                ann_ids.add(a['id'])
                im = images.get(a['image_id'])
                if im is None or a['category_id'] not in cats:
                    errors.append(f'coco/{name}: annotation {a["id"]} refers to a missing image or category')
                    continue
                x, y, w, h = a['bbox']
                if x < 0 or y < 0 or w <= 0 or h <= 0 or x + w > im['width'] or y + h > im['height'] or a['area'] != w * h:
                    errors.append(f'coco/{name}: annotation {a["id"]} bbox {a["bbox"]} outside its image')
            summary['coco_images'] += len(images)
            summary['coco_annotations'] += len(coco['annotations'])

    summary['smears'] = {k: sorted(v) for k, v in smears.items()}
    print(json.dumps({'ok': not errors, 'errors': errors[:50], 'summary': summary}))
    return 0 if not errors else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
