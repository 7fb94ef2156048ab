#!/usr/bin/python3
"""PyTorch peer of OnnxExtractionBenchmark.java: feature extraction of the same small ResNet (16/32/64/128, 1x32x32,
10 classes; the network of train_fixture.py) in its strongest CPU setting, traced and frozen
(torch.jit.trace, torch.jit.freeze, torch.jit.optimize_for_inference: batch-norm folded, ops fused). One pass gives
what the feature cache keeps: the maps after stages 1-3, globally average-pooled, and the logits; batch 256 and
batch 1, the timing protocol of peer_bench.measure. Weights are the untrained initialisation: the time does not
depend on them. Prints "pytorch-frozen small extract_bN X img/s" lines.

Run by bench/run-onnx-bench.sh with /usr/bin/python3 (Debian's python3-torch).
"""
import argparse
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_bench import measure  # noqa: E402
from train_fixture import SmallResNet  # noqa: E402


class Features(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        x = self.net.stem(x)
        pooled = []
        for s, stage in enumerate(self.net.stages):
            x = stage(x)
            if s < 3:
                pooled.append(x.mean((2, 3)))
        return pooled[0], pooled[1], pooled[2], self.net.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    net = SmallResNet().eval()
    for batch in (256, 1):
        x = torch.rand(batch, 1, 32, 32)
        with torch.no_grad():
            frozen = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.trace(Features(net).eval(), x)))
            frozen(x)
            frozen(x)

            def run():
                with torch.no_grad():
                    frozen(x)
            wall, cpu = measure(args.seconds, batch, run)
        print(f"{'pytorch-frozen':12s} small extract_b{batch:<4d} {wall:10.1f} img/s  ({cpu:.1f} img per CPU s)",
              flush=True)


if __name__ == "__main__":
    main()
