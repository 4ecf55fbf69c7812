#!/usr/bin/python3
"""Trains Smearlab's default cell-region segmenter (a tiny U-Net) and exports it to ONNX.

Input: the patches written by export-training-data.ts (RGB + 0/1 cell mask at downsample 4,
i.e. 1 um per pixel). Output: models/<name>.onnx and models/<name>.json (manifest + model card).

    node --import tsx models/training/export-training-data.ts --out .cache/training
    /usr/bin/python3 models/training/train_fcn.py --data .cache/training --out models/

CPU only, 2 threads by default (the development machine is shared). Fixed seeds and a fixed step
count; bit-identical weights across runs are not guaranteed (threaded float sums may reorder).
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

MEAN = 0.5
STD = 0.25


def block(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
    )


class TinyUNet(nn.Module):
    """U-Net with len(channels)-1 poolings: input sides must be multiples of 2**(len-1)."""

    def __init__(self, channels=(8, 16, 32, 64)):
        super().__init__()
        self.enc = nn.ModuleList()
        prev = 3
        for c in channels:
            self.enc.append(block(prev, c))
            prev = c
        self.pool = nn.MaxPool2d(2)
        self.up = nn.ModuleList()
        self.dec = nn.ModuleList()
        for i in range(len(channels) - 1, 0, -1):
            self.up.append(nn.ConvTranspose2d(channels[i], channels[i - 1], 2, stride=2))
            self.dec.append(block(2 * channels[i - 1], channels[i - 1]))
        self.head = nn.Conv2d(channels[0], 1, 1)

    def forward(self, x):
        skips = []
        for i, enc in enumerate(self.enc):
            x = enc(x)
            if i < len(self.enc) - 1:
                skips.append(x)
                x = self.pool(x)
        for up, dec in zip(self.up, self.dec):
            x = dec(torch.cat([up(x), skips.pop()], 1))
        return self.head(x)


class WithSigmoid(nn.Module):
    """What is exported: the manifest's output kind is 'cell-probability'."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, image):
        return torch.sigmoid(self.net(image))


def load(data_dir, split):
    images = np.load(os.path.join(data_dir, f'{split}_images.npy'))
    masks = np.load(os.path.join(data_dir, f'{split}_masks.npy'))
    assert images.ndim == 4 and images.shape[3] == 3 and masks.shape == images.shape[:3], (images.shape, masks.shape)
    return images, masks


def augment(rng, img, mask, crop):
    """Random crop, flips/rot90 and stain variation in optical-density space (uint8 HWC -> float CHW)."""
    h, w = mask.shape
    y = rng.integers(0, h - crop + 1)
    x = rng.integers(0, w - crop + 1)
    img = img[y:y + crop, x:x + crop].astype(np.float32)
    mask = mask[y:y + crop, x:x + crop]
    k = rng.integers(0, 4)
    img = np.rot90(img, k)
    mask = np.rot90(mask, k)
    if rng.random() < 0.5:
        img = img[:, ::-1]
        mask = mask[:, ::-1]
    # Stain strength and hue vary between labs and slides: scale optical density per channel.
    od = -np.log((img + 1.0) / 256.0)
    od *= rng.uniform(0.7, 1.35) * rng.uniform(0.88, 1.12, size=3).astype(np.float32)
    img = 256.0 * np.exp(-od) - 1.0
    # Illumination / glass tint, then sensor noise.
    img *= rng.uniform(0.9, 1.04) * rng.uniform(0.97, 1.03, size=3).astype(np.float32)
    img += rng.normal(0, rng.uniform(0, 4), size=img.shape).astype(np.float32)
    img = np.clip(img, 0, 255) / 255.0
    img = (img - MEAN) / STD
    return np.ascontiguousarray(img.transpose(2, 0, 1)), np.ascontiguousarray(mask, dtype=np.float32)


def to_tensor(images):
    x = torch.from_numpy(images.astype(np.float32) / 255.0).permute(0, 3, 1, 2)
    return (x - MEAN) / STD


def dice_loss(logits, target):
    p = torch.sigmoid(logits)
    inter = (p * target).sum((1, 2, 3))
    denom = p.sum((1, 2, 3)) + target.sum((1, 2, 3))
    return (1 - (2 * inter + 1) / (denom + 1)).mean()


@torch.no_grad()
def evaluate(net, images, masks, threshold=0.5, batch=8):
    net.eval()
    inter = union = psum = tsum = 0
    for i in range(0, len(images), batch):
        probs = torch.sigmoid(net(to_tensor(images[i:i + batch]))).numpy()[:, 0]
        pred = probs >= threshold
        t = masks[i:i + batch].astype(bool)
        inter += np.logical_and(pred, t).sum()
        union += np.logical_or(pred, t).sum()
        psum += pred.sum()
        tsum += t.sum()
    return {'iou': float(inter / max(union, 1)), 'dice': float(2 * inter / max(psum + tsum, 1))}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', required=True)
    ap.add_argument('--out', required=True, help='models folder')
    ap.add_argument('--name', default='smear-unet-tiny')
    ap.add_argument('--steps', type=int, default=500)
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--crop', type=int, default=112)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=0)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    train_x, train_y = load(args.data, 'train')
    val_x, val_y = load(args.data, 'val')
    meta = json.load(open(os.path.join(args.data, 'meta.json')))
    print(f'train {train_x.shape} val {val_x.shape}; cell fraction train {train_y.mean():.3f} val {val_y.mean():.3f}', flush=True)

    channels = (8, 16, 32, 64)
    # channels_last: about a third faster for these thin convolutions on CPU.
    net = TinyUNet(channels).to(memory_format=torch.channels_last)
    params = sum(p.numel() for p in net.parameters())
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.03 + 0.97 * 0.5 * (1 + math.cos(math.pi * min(1.0, s / args.steps))))
    start = time.time()
    for step in range(1, args.steps + 1):
        net.train()
        idx = rng.integers(0, len(train_x), size=args.batch)
        pairs = [augment(rng, train_x[i], train_y[i], args.crop) for i in idx]
        x = torch.from_numpy(np.stack([p[0] for p in pairs])).contiguous(memory_format=torch.channels_last)
        y = torch.from_numpy(np.stack([p[1] for p in pairs]))[:, None]
        logits = net(x)
        loss = F.binary_cross_entropy_with_logits(logits, y) + dice_loss(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 50 == 0 or step == args.steps:
            print(f'step {step}/{args.steps} loss {loss.item():.4f} lr {sched.get_last_lr()[0]:.5f} {time.time() - start:.0f}s', flush=True)
    train_seconds = time.time() - start
    val = evaluate(net, val_x, val_y)
    print(f'held-out (torch, whole {val_x.shape[1]}px patches): IoU {val["iou"]:.4f} Dice {val["dice"]:.4f}; trained in {train_seconds:.0f}s', flush=True)

    net = net.to(memory_format=torch.contiguous_format).eval()
    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, f'{args.name}.onnx')
    multiple = 2 ** (len(channels) - 1)
    torch.onnx.export(
        WithSigmoid(net), torch.zeros(1, 3, 64, 64), onnx_path,
        input_names=['image'], output_names=['probability'],
        dynamic_axes={'image': {0: 'batch', 2: 'height', 3: 'width'}, 'probability': {0: 'batch', 2: 'height', 3: 'width'}},
        opset_version=17, do_constant_folding=True,
    )
    manifest = {
        'schemaVersion': 1,
        'name': args.name,
        'task': 'segmentation',
        'downsample': meta['downsample'],
        'input': {
            'name': 'image', 'layout': 'NCHW', 'size': {'type': 'dynamic', 'multipleOf': multiple, 'maxTile': 1024},
            'colorOrder': 'RGB', 'divideBy': 255, 'mean': [MEAN] * 3, 'std': [STD] * 3,
        },
        'output': {'name': 'probability', 'layout': 'NCHW', 'kind': 'cell-probability'},
        'threshold': 0.5,
        'tiling': {'overlap': 64, 'maxBatch': 2},
        'card': {
            'summary': 'Tiny U-Net: cell region (squamous cells, cluster members) vs background, at 1 um/px.',
            'architecture': f'U-Net, {len(channels)} levels {list(channels)}, double 3x3 conv + BatchNorm + ReLU, max-pool, '
                            f'2x2 transposed-conv up, sigmoid output; input sides multiple of {multiple}.',
            'parameters': int(params),
            'trainingData': (
                f'Synthetic only: {len(train_x)} patches of {train_x.shape[1]}x{train_x.shape[2]} px at downsample '
                f'{meta["downsample"]} rendered by test/fixtures/slide-scene.ts (content synthetic, seeds {meta["trainSeeds"]}), '
                'with the renderer\'s cell-region mask as target. No real annotated masks exist in the repository '
                '(CRIC has nucleus points only) and none were used for training.'
            ),
            'training': (
                f'{args.steps} steps, batch {args.batch}, random {args.crop}px crops, flips/rot90, optical-density stain '
                f'jitter, noise; AdamW lr {args.lr} cosine; BCE + Dice; seed {args.seed}; torch {torch.__version__} CPU '
                f'{args.threads} threads, {train_seconds:.0f} s wall on a shared 2-core machine.'
            ),
            'metrics': {
                'heldout_seeds': ','.join(str(s) for s in meta['valSeeds']),
                'heldout_pixel_iou_torch': round(val['iou'], 4),
                'heldout_pixel_dice_torch': round(val['dice'], 4),
                'heldout_torch_note': f'torch, threshold 0.5, on the {len(val_x)} exported held-out patches of '
                                      f'{val_x.shape[1]} px (15 % centred on blobs, so harder than average)',
            },
            'limits': [
                'Trained on synthetic Pap-like renderings only; accuracy on real scans is unmeasured.',
                'Expects 1 um/px (downsample 4 of a 0.25 um/px scan); other magnifications need resampling.',
                'Binary cell region only: touching cells are one region; splitting is left to cell extraction.',
                'Inflammatory cells, debris and blobs are background by design of the synthetic ground truth.',
                'Real images were used only to check recall: CRIC fields have nucleus points, no masks, '
                'so precision on real smears is unknown.',
            ],
            'license': 'Same as Smearlab.',
            'created': time.strftime('%Y-%m-%d'),
        },
    }
    with open(os.path.join(args.out, f'{args.name}.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    print(f'wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes, {params} parameters)')


if __name__ == '__main__':
    main()
