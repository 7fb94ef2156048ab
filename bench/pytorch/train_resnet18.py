#!/usr/bin/python3
"""Trains a ResNet-18 (CIFAR layout) briefly on the bundled sample and exports it to ONNX, for measuring the ONNX
export's batch-1 speedup on a backbone of the paper's size (issue 16; the sample's small ResNet is 15.9 M MACs, this
one 0.56 G).

CIFAR-style ResNet-18: 3x3 stem (64), four stages of two BasicBlocks (64/128/256/512, stride 2 from stage 2 on),
global average pooling, linear head; 1x32x32 inputs, 10 classes. The building blocks, data loading, normalisation and
augmentation are train_fixture.py's, so the ONNX file has the same input, output and metadata as the sample's
fixture and `exitbench backbone import` reads it the same way. The point is the network's size, not its accuracy:
one epoch by default (about 10 minutes on one core).

Writes --out/resnet18.onnx (about 45 MB: keep it under target/, never commit it). Needs Debian's PyTorch and onnx,
run with /usr/bin/python3:
  /usr/bin/python3 bench/pytorch/train_resnet18.py --out target/resnet18
"""
import argparse
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_fixture import BasicBlock, SEED, accuracy, augment, load_split, normalise  # noqa: E402

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


class ResNet18(nn.Module):
    def __init__(self, widths=(64, 128, 256, 512), blocks=2, in_channels=1, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(in_channels, widths[0], 3, 1, 1, bias=False),
                                  nn.BatchNorm2d(widths[0]), nn.ReLU())
        layers = []
        channels = widths[0]
        for s, width in enumerate(widths):
            for b in range(blocks):
                layers.append(BasicBlock(channels, width, 2 if s > 0 and b == 0 else 1))
                channels = width
        self.stages = nn.Sequential(*layers)
        self.fc = nn.Linear(channels, classes)

    def forward(self, x):
        x = self.stages(self.stem(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="sample-data/fashion-mnist")
    parser.add_argument("--out", default="target/resnet18")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(SEED)
    rng = np.random.RandomState(SEED)
    classes = sorted(d for d in os.listdir(os.path.join(args.data, "train"))
                     if os.path.isdir(os.path.join(args.data, "train", d)))
    train_u8, train_y, _ = load_split(args.data, "train", classes)
    valid_u8, valid_y, _ = load_split(args.data, "valid", classes)
    mean = float(train_u8.astype(np.float64).mean() / 255.0)
    std = float((train_u8.astype(np.float64) / 255.0).std())
    train_x = normalise(train_u8, mean, std)
    valid_x = normalise(valid_u8, mean, std)

    model = ResNet18()
    optimiser = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, weight_decay=5e-4, nesterov=True)
    steps_per_epoch = math.ceil(len(train_y) / args.batch)
    total_steps = args.epochs * steps_per_epoch
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: 0.5 * (1 + math.cos(math.pi * step / total_steps)))
    start = time.time()
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = rng.permutation(len(train_y))
        for b in range(steps_per_epoch):
            idx = order[b * args.batch:(b + 1) * args.batch]
            loss = F.cross_entropy(model(augment(train_x[idx], rng)), torch.from_numpy(train_y[idx]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            scheduler.step()
            if b % 20 == 0:
                print(f"epoch {epoch} step {b}/{steps_per_epoch}: loss {loss.item():.4f}, "
                      f"{time.time() - start:.0f} s", flush=True)
    model.eval()
    valid_acc = accuracy(model, valid_x, valid_y)
    print(f"valid accuracy {100 * valid_acc:.2f} %, {time.time() - start:.0f} s", flush=True)

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "resnet18.onnx")
    torch.onnx.export(model, valid_x[:1], path, opset_version=13, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}}, do_constant_folding=True)
    proto = onnx.load(path)
    for key, value in {"exitbench.classes": ",".join(classes), "exitbench.mean": repr(mean),
                       "exitbench.std": repr(std), "exitbench.layout": "NCHW",
                       "exitbench.valid_accuracy": f"{valid_acc:.4f}"}.items():
        entry = proto.metadata_props.add()
        entry.key = key
        entry.value = value
    onnx.checker.check_model(proto)
    onnx.save(proto, path)
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
