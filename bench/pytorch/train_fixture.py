#!/usr/bin/python3
"""Trains the ONNX fixture of the bundled sample: a small ResNet trained in PyTorch, exported to ONNX.

It stands for "a model an engineer brings from PyTorch" in Exitbench's tests, docs and demos of `exitbench
backbone import`. The network has the shape of the shipped DL4J backbone (sample-data/fashion-mnist/backbone.zip):
CIFAR-style stem (3x3 conv, BN, ReLU, no max-pool), one BasicBlock per stage with widths 16/32/64/128 (stride 2
from stage 2 on, 1x1 + BN projections where the shape changes), global average pooling and a linear head, on
1x32x32 inputs and 10 classes.

Writes, into --out (default sample-data/fashion-mnist/onnx):
  small-resnet.onnx  opset 13, input "input" [N,1,32,32] (NCHW, dynamic batch), output "logits" [N,10]; batch-norm
                     folded into the convolutions by the eval-mode export; metadata_props exitbench.classes,
                     exitbench.mean, exitbench.std, exitbench.layout, exitbench.test_accuracy
  reference.json     the PyTorch logits of a handful of test images (path, label, logits), which the Java tests
                     compare with ONNX Runtime's

Inputs are pixel / 255 normalised with the mean and std of the train split; classes are the folder names sorted,
which is the order Exitbench's readers give labels in (label 0 = ankle-boot).

Seeded (torch, numpy) and run on one thread, so a rerun on the same machine should give the same weights; a different
BLAS or thread count may change the last digits. Needs Debian's PyTorch and onnx: apt-get install python3-torch
python3-onnx, run with /usr/bin/python3.
"""
import argparse
import json
import math
import os
import sys
import time

try:
    import numpy as np
    import onnx
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from PIL import Image
except ImportError as e:
    sys.exit("train_fixture.py needs numpy, PIL, onnx and PyTorch (apt-get install python3-torch python3-onnx "
             "python3-pil), run with /usr/bin/python3: " + str(e))

SEED = 42
REFERENCE_IMAGES = 8


class BasicBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride, 0, bias=False),
                                          nn.BatchNorm2d(out_channels))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class SmallResNet(nn.Module):
    def __init__(self, widths=(16, 32, 64, 128), in_channels=1, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(in_channels, widths[0], 3, 1, 1, bias=False),
                                  nn.BatchNorm2d(widths[0]), nn.ReLU())
        layers = []
        channels = widths[0]
        for s, width in enumerate(widths):
            layers.append(BasicBlock(channels, width, 1 if s == 0 else 2))
            channels = width
        self.stages = nn.Sequential(*layers)
        self.fc = nn.Linear(channels, classes)

    def forward(self, x):
        x = self.stages(self.stem(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def load_split(root, split, classes):
    """Images as uint8 [N, 32, 32] and labels, files in sorted order (class folder, then file name)."""
    images, labels, paths = [], [], []
    for label, name in enumerate(classes):
        folder = os.path.join(root, split, name)
        for f in sorted(os.listdir(folder)):
            if f.endswith(".png"):
                with Image.open(os.path.join(folder, f)) as im:
                    images.append(np.asarray(im.convert("L"), dtype=np.uint8))
                labels.append(label)
                paths.append(split + "/" + name + "/" + f)
    return np.stack(images), np.asarray(labels, dtype=np.int64), paths


def normalise(images, mean, std):
    return torch.from_numpy(((images.astype(np.float32) / 255.0 - mean) / std).astype(np.float32)).unsqueeze(1)


def augment(batch, rng):
    """Random crop with 2 pixels of zero padding (in normalised space: the padding value is the image minimum,
    i.e. a black pixel) and a horizontal flip, as the DL4J backbone's --crop-padding 2 --flip."""
    n = batch.shape[0]
    black = batch.amin()
    padded = F.pad(batch, (2, 2, 2, 2), value=float(black))
    out = torch.empty_like(batch)
    dx = rng.randint(0, 5, n)
    dy = rng.randint(0, 5, n)
    flip = rng.rand(n) < 0.5
    for i in range(n):
        crop = padded[i, :, dy[i]:dy[i] + 32, dx[i]:dx[i] + 32]
        out[i] = torch.flip(crop, [2]) if flip[i] else crop
    return out


def accuracy(model, x, y, batch=500):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(y), batch):
            correct += (model(x[i:i + batch]).argmax(1) == torch.from_numpy(y[i:i + batch])).sum().item()
    return correct / len(y)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="sample-data/fashion-mnist")
    parser.add_argument("--out", default="sample-data/fashion-mnist/onnx")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.05)
    args = parser.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    rng = np.random.RandomState(SEED)

    classes = sorted(d for d in os.listdir(os.path.join(args.data, "train"))
                     if os.path.isdir(os.path.join(args.data, "train", d)))
    train_u8, train_y, _ = load_split(args.data, "train", classes)
    valid_u8, valid_y, _ = load_split(args.data, "valid", classes)
    test_u8, test_y, test_paths = load_split(args.data, "test", classes)
    # Statistics in double precision over all train pixels, as ChannelStats.of does.
    mean = float(train_u8.astype(np.float64).mean() / 255.0)
    std = float((train_u8.astype(np.float64) / 255.0).std())
    train_x = normalise(train_u8, mean, std)
    valid_x = normalise(valid_u8, mean, std)
    test_x = normalise(test_u8, mean, std)

    model = SmallResNet()
    optimiser = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, weight_decay=5e-4, nesterov=True)
    steps_per_epoch = math.ceil(len(train_y) / args.batch)
    total_steps = args.epochs * steps_per_epoch
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: 0.5 * (1 + math.cos(math.pi * step / total_steps)))
    start = time.time()
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = rng.permutation(len(train_y))
        loss_sum = 0.0
        for b in range(steps_per_epoch):
            idx = order[b * args.batch:(b + 1) * args.batch]
            x = augment(train_x[idx], rng)
            loss = F.cross_entropy(model(x), torch.from_numpy(train_y[idx]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            scheduler.step()
            loss_sum += loss.item() * len(idx)
        print(f"epoch {epoch}/{args.epochs}: loss {loss_sum / len(train_y):.4f}, valid "
              f"{100 * accuracy(model, valid_x, valid_y):.2f} %, {time.time() - start:.0f} s", flush=True)

    model.eval()
    test_acc = accuracy(model, test_x, test_y)
    train_acc = accuracy(model, train_x, train_y)
    valid_acc = accuracy(model, valid_x, valid_y)
    print(f"accuracy: train {100 * train_acc:.2f} %, valid {100 * valid_acc:.2f} %, test {100 * test_acc:.2f} %")

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "small-resnet.onnx")
    torch.onnx.export(model, test_x[:1], onnx_path, opset_version=13, input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
                      do_constant_folding=True)
    proto = onnx.load(onnx_path)
    metadata = {
        "exitbench.classes": ",".join(classes),
        "exitbench.mean": repr(mean),
        "exitbench.std": repr(std),
        "exitbench.layout": "NCHW",
        "exitbench.test_accuracy": f"{test_acc:.4f}",
    }
    for key, value in metadata.items():
        entry = proto.metadata_props.add()
        entry.key = key
        entry.value = value
    onnx.checker.check_model(proto)
    onnx.save(proto, onnx_path)

    # A handful of test images spread over the classes: every 313th file, so each class appears.
    picks = list(range(0, len(test_y), len(test_y) // REFERENCE_IMAGES))[:REFERENCE_IMAGES]
    with torch.no_grad():
        logits = model(test_x[picks]).numpy()
    reference = {
        "model": "small-resnet.onnx",
        "mean": mean,
        "std": std,
        "classes": classes,
        "test_accuracy": test_acc,
        "images": [{"path": test_paths[i], "label": int(test_y[i]),
                    "logits": [float(v) for v in logits[k]]} for k, i in enumerate(picks)],
    }
    with open(os.path.join(args.out, "reference.json"), "w") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")
    print(f"wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes) and reference.json")


if __name__ == "__main__":
    main()
