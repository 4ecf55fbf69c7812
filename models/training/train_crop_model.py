#!/usr/bin/python3
"""Trains the assist crop model: a small CNN that scores a nucleus-centred crop as abnormal,
NILM or other (debris, inflammatory cells, unmarked cells), exported to ONNX with a classifier
manifest (src-main/assist/classifier-manifest.ts). Its outputs become three of the assist
features (src-main/assist/cell-features.ts: crop*), next to the hand-made measures.

Input: crops from export-assist-crops.ts (the CRICVA training slide; the held-out slide only for
the figures printed at the end, never trained on):

    node --import tsx models/training/export-assist-crops.ts --out .cache/assist-crops
    /usr/bin/python3 models/training/train_crop_model.py --data .cache/assist-crops --out models/classifiers

--folds K also trains K models on the training fields less one fold each and writes their
out-of-fold scores (DATA/<name>.oof.json, by cell id): the starting model of bench:assist learns
how far to trust the crop model from scores on cells the crop model never saw.

CPU only, 2 threads. Fixed seeds and step count.
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CLASSES = ('abnormal', 'nilm', 'other')
TRUTH_INDEX = {'abnormal': 0, 'nilm': 1, 'none': 2}
MEAN = 0.5
STD = 0.25


def conv(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class CropNet(nn.Module):
    """Four conv stages with pooling, global average and max pooling, one linear layer."""

    def __init__(self, width=16):
        super().__init__()
        w = width
        self.features = nn.Sequential(
            conv(3, w), conv(w, w), nn.MaxPool2d(2),
            conv(w, 2 * w), conv(2 * w, 2 * w), nn.MaxPool2d(2),
            conv(2 * w, 4 * w), conv(4 * w, 4 * w), nn.MaxPool2d(2),
            conv(4 * w, 6 * w), conv(6 * w, 6 * w),
        )
        self.drop = nn.Dropout(0.3)
        self.head = nn.Linear(12 * w, len(CLASSES))

    def forward(self, x):
        f = self.features(x)
        pooled = torch.cat([f.mean(dim=(2, 3)), f.amax(dim=(2, 3))], dim=1)
        return self.head(self.drop(pooled))


class Deployed(nn.Module):
    """What the app runs: RGB bytes / 255 in (NCHW), class probabilities out."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, crop):
        return F.softmax(self.net((crop - MEAN) / STD), dim=1)


def load(data, name):
    meta = json.load(open(os.path.join(data, f'{name}.json')))
    size = meta['size']
    x = np.fromfile(os.path.join(data, f'{name}.u8'), dtype=np.uint8).reshape(meta['rows'], size, size, 3)
    y = np.array([TRUTH_INDEX[t] for t in meta['truth']], dtype=np.int64)
    return meta, x, y


def centre(x, side):
    o = (x.shape[1] - side) // 2
    return x[:, o:o + side, o:o + side]


def augment(batch, rng, side):
    """batch: n x S x S x 3 uint8 -> n x 3 x side x side float, shifted, turned and re-stained."""
    n, s = batch.shape[0], batch.shape[1]
    out = np.empty((n, side, side, 3), dtype=np.float32)
    slack = (s - side) // 2
    for i in range(n):
        dx, dy = rng.integers(-min(6, slack), min(6, slack) + 1, size=2)
        o = slack
        crop = batch[i, o + dy:o + dy + side, o + dx:o + dx + side].astype(np.float32) / 255.0
        crop = np.rot90(crop, rng.integers(4))
        if rng.random() < 0.5:
            crop = crop[:, ::-1]
        # Stain: optical-density gain overall (faded to heavy) and per channel (pinker, bluer), now and
        # then part of the hue removed (faded smears), then brightness / contrast.
        od = -np.log(np.clip(crop, 1 / 255, 1))
        od *= rng.uniform(0.45, 1.6) * rng.uniform(0.75, 1.35, size=3)
        if rng.random() < 0.3:
            grey = od.mean(axis=2, keepdims=True)
            od += (grey - od) * rng.uniform(0, 0.6)
        crop = np.exp(-od)
        crop = (crop - 0.5) * rng.uniform(0.85, 1.15) + 0.5 + rng.uniform(-0.06, 0.06)
        out[i] = np.clip(crop, 0, 1)
    return torch.from_numpy(((out - MEAN) / STD).transpose(0, 3, 1, 2).copy())


def as_input(x, side):
    c = centre(x, side).astype(np.float32) / 255.0
    return torch.from_numpy(((c - MEAN) / STD).transpose(0, 3, 1, 2).copy())


def train(x, y, args, seed):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    net = CropNet(args.width)
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-3)
    counts = np.bincount(y, minlength=len(CLASSES)).astype(np.float64)
    # Balanced classes: each class drawn equally often, so abnormal cells are not drowned by debris.
    p = (1.0 / counts[y])
    p /= p.sum()
    net.train()
    for step in range(args.steps):
        lr = args.lr * 0.5 * (1 + math.cos(math.pi * step / args.steps))
        for g in opt.param_groups:
            g['lr'] = lr
        idx = rng.choice(len(y), size=args.batch, p=p)
        logits = net(augment(x[idx], rng, args.side))
        loss = F.cross_entropy(logits, torch.from_numpy(y[idx]), label_smoothing=0.05)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if (step + 1) % 200 == 0:
            print(f'  step {step + 1}/{args.steps} loss {loss.item():.3f}', flush=True)
    net.eval()
    return net


def predict(net, x, side):
    with torch.no_grad():
        out = []
        for i in range(0, len(x), 256):
            probs = F.softmax(net(as_input(x[i:i + 256], side)), dim=1)
            out.append(probs.numpy())
        return np.concatenate(out)


def auc(scores, positive):
    order = np.argsort(scores, kind='mergesort')
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    # Ties: mean rank.
    s = scores[order]
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j + 2) / 2
        i = j + 1
    npos = positive.sum()
    nneg = len(scores) - npos
    return (ranks[positive].sum() - npos * (npos + 1) / 2) / (npos * nneg)


def screening_recall(score, truth, rng, draws=200, prevalence=0.02, top=0.10):
    abnormal = np.flatnonzero(truth == 0)
    rest = np.flatnonzero(truth != 0)
    want = max(1, round(prevalence * len(rest) / (1 - prevalence)))
    found = []
    for _ in range(draws):
        pick = rng.choice(abnormal, size=want, replace=False)
        kept = np.concatenate([rest, pick])
        k = math.ceil(top * len(kept))
        best = kept[np.argsort(-score[kept], kind='mergesort')[:k]]
        found.append(np.isin(best, pick).sum() / want)
    return float(np.mean(found))


def report(name, probs, truth):
    s = np.log(probs[:, 0] + 1e-6) - np.log(probs[:, 1] + probs[:, 2] + 1e-6)
    annotated = truth != 2
    a = auc(s[annotated], truth[annotated] == 0)
    r = screening_recall(s, truth, np.random.default_rng(7))
    print(f'{name}: AUC abnormal vs NILM {a:.3f}, recall in the first 10% at 2% prevalence {100 * r:.1f}%')
    return a, r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default='.cache/assist-crops')
    ap.add_argument('--out', default='models/classifiers')
    ap.add_argument('--name', default='cric-crop-cnn')
    ap.add_argument('--side', type=int, default=64, help='input side, px (the exported crops are centre-cut to it)')
    ap.add_argument('--width', type=int, default=16)
    ap.add_argument('--steps', type=int, default=1500)
    ap.add_argument('--batch', type=int, default=48)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--folds', type=int, default=0)
    ap.add_argument('--seed', type=int, default=1206)
    args = ap.parse_args()
    torch.set_num_threads(2)
    t0 = time.time()
    meta, x, y = load(args.data, 'train')
    hmeta, hx, hy = load(args.data, 'heldout')
    mpp = meta['mpp']
    crop_um = meta['cropUm'] * args.side / meta['size']
    print(f'train {len(y)} crops ({np.bincount(y).tolist()} abnormal/NILM/other), held out {len(hy)}; input {args.side} px = {crop_um:g} um')

    oof = None
    if args.folds > 1:
        fields = np.array(meta['field'])
        names = np.unique(fields[fields >= 0])
        rng = np.random.default_rng(args.seed)
        order = rng.permutation(names)
        oof = np.full((len(y), len(CLASSES)), np.nan, dtype=np.float64)
        for k in range(args.folds):
            test_fields = set(order[k::args.folds].tolist())
            test = np.array([f in test_fields for f in fields])
            print(f'fold {k + 1}/{args.folds}: {test.sum()} crops held back')
            net = train(x[~test], y[~test], args, args.seed + 1 + k)
            oof[test] = predict(net, x[test], args.side)
        oof[np.isnan(oof[:, 0])] = 1 / 3  # outside every field: no fold scored them
        report('out-of-fold (training fields)', oof, y)

    net = train(x, y, args, args.seed)
    probs = predict(net, hx, args.side)
    held = report('held-out fields', probs, hy)

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, f'{args.name}.onnx')
    dummy = torch.zeros(1, 3, args.side, args.side)
    torch.onnx.export(Deployed(net), dummy, onnx_path, input_names=['crop'], output_names=['probabilities'],
                      dynamic_axes={'crop': {0: 'n'}, 'probabilities': {0: 'n'}}, opset_version=13)
    manifest = {
        'schemaVersion': 1,
        'name': args.name,
        'task': 'classification',
        'input': {'name': 'crop', 'layout': 'NCHW', 'width': args.side, 'height': args.side, 'cropUm': crop_um, 'centreOn': 'nucleus',
                  'colorOrder': 'RGB', 'divideBy': 255, 'mean': [0, 0, 0], 'std': [1, 1, 1]},
        'output': {'name': 'probabilities', 'scores': 'probabilities', 'classes': ['unhealthy', 'healthy', 'rubbish']},
        'maxBatch': 64,
        'card': {
            'summary': f'Small CNN ({sum(p.numel() for p in net.parameters()):,} weights) scoring a {crop_um:g} um nucleus-centred crop as abnormal '
                       '(-> unhealthy), NILM (-> healthy) or other (-> rubbish). Used by AI assist as features; a suggestion, not a diagnosis.',
            'trainingData': f'CRIC Cervix (CC BY 4.0): the {len(np.unique(np.array(meta["field"])[np.array(meta["field"]) >= 0]))} CRICVA development fields '
                            'not in models/training/cricva-heldout.json, composed into one slide at '
                            f'{mpp} um/px and ingested by Smearlab; {int((y == 0).sum())} abnormal-annotated, {int((y == 1).sum())} NILM-annotated, '
                            f'{int((y == 2).sum())} unannotated candidates',
            'credit': 'CRIC Cervix (Center for Recognition and Inspection of Cells, UFOP): Rezende MT et al., Scientific Data 8, 151 (2021), '
                      'doi:10.1038/s41597-021-00933-8; data doi:10.6084/m9.figshare.c.4960286, CC BY 4.0',
            'heldOut': {'fields': 31, 'aucAbnormalVsNilm': round(held[0], 4), 'recallTop10At2Percent': round(held[1], 4),
                        'note': 'the crop model alone, on every candidate of the held-out slide (models/training/train_crop_model.py)'},
            'limits': 'one lab, one camera (conventional Pap, CRIC); unannotated candidates include unmarked normal cells, so "other" is not only debris',
            'training': f'{args.steps} steps of {args.batch} class-balanced crops, AdamW, cosine learning rate from {args.lr}, shifts, turns, '
                        'flips, stain gain 0.45-1.6x overall and 0.75-1.35x per channel, partial desaturation, brightness / contrast jitter; torch CPU',
        },
    }
    with open(os.path.join(args.out, f'{args.name}.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')
    if oof is not None:
        with open(os.path.join(args.data, f'{args.name}.oof.json'), 'w') as f:
            json.dump({'classes': list(CLASSES), 'cellIds': meta['cellIds'], 'scores': np.round(oof, 5).tolist()}, f)
    print(f'written {onnx_path} and its manifest; {time.time() - t0:.0f} s')


if __name__ == '__main__':
    main()
