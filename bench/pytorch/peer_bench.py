#!/usr/bin/python3
"""PyTorch peer of Exitbench's DL4J benchmark (bench/src/main/java/org/exitbench/bench/PeerBenchmark.java).

Builds the same two networks as org.exitbench.model.ResNetGraphBuilder -- ResNet-18 (CIFAR style) and the small
ResNet 16/32/64 x 1 block, both on 3x32x32 inputs with 10 classes -- and measures, at the thread count given:

  train_b64   forward, cross-entropy, backward and an Adam step on a batch of 64 (images/s)
  infer_b256  feature extraction on a batch of 256: the default exits' maps, global-average pooled, plus the
              logits, in eval mode under torch.inference_mode (images/s)
  infer_b1    the same for a single image (images/s)

as variant "eager" (plain PyTorch, the reference), and for information the inference figures with batch-norm
folded into the convolutions by torch.fx.experimental.optimization.fuse (variant "fx-folded"), which is what the
DL4J side does for a frozen backbone.

Timing protocol (the same as PeerBenchmark.java): blocks of at least 0.5 s after a warm-up, the best block kept,
by the wall clock and by process CPU time; the CPU figure ignores time spent waiting for a core on a shared
machine. Results go to stdout and, with --json, to a file that bench/pytorch/compare_peer.py reads.

Needs Debian's PyTorch: `apt-get install python3-torch` (1.13), run with /usr/bin/python3 (a pyenv or venv
python3 on PATH usually has no torch). Usually started by bench/run-peer-bench.sh.
"""
import argparse
import json
import os
import platform
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:
    sys.exit("peer_bench.py needs PyTorch: apt-get install python3-torch, then run it with /usr/bin/python3 "
             "(this is " + sys.executable + ")")

SEED = 1


class BasicBlock(nn.Module):
    """Two 3x3 convolutions with batch-norm, ReLU after the residual add, 1x1 + BN projection where the shape
    changes: the block ResNetGraphBuilder builds (bias-free convolutions, BN eps 1e-5, DL4J decay 0.9 = momentum
    0.1)."""

    def __init__(self, in_channels, out_channels, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels, eps=1e-5, momentum=0.1)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels, eps=1e-5, momentum=0.1)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride, 0, bias=False),
                                          nn.BatchNorm2d(out_channels, eps=1e-5, momentum=0.1))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet(nn.Module):
    """Stem 3x3 conv + BN + ReLU (no max-pool), stages of BasicBlocks with stride 1 in stage 1 and 2 after, global
    average pooling and a dense head. forward returns the logits; features() also the maps at the exits."""

    def __init__(self, widths, blocks, exits, in_channels=3, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(in_channels, widths[0], 3, 1, 1, bias=False),
                                  nn.BatchNorm2d(widths[0], eps=1e-5, momentum=0.1), nn.ReLU())
        stages = []
        channels = widths[0]
        for s, (width, count) in enumerate(zip(widths, blocks)):
            layers = []
            for b in range(count):
                layers.append(BasicBlock(channels, width, 2 if (b == 0 and s > 0) else 1))
                channels = width
            stages.append(nn.Sequential(*layers))
        self.stages = nn.ModuleList(stages)
        self.fc = nn.Linear(channels, classes)
        self.exits = exits

    def forward(self, x):
        x = self.stem(x)
        for stage in self.stages:
            x = stage(x)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))

    def features(self, x):
        """Pooled feature vectors at the exits (stage numbers, 1-based) and the logits, as FeatureExtractor."""
        pooled = []
        x = self.stem(x)
        for s, stage in enumerate(self.stages, start=1):
            x = stage(x)
            if s in self.exits:
                pooled.append(x.mean((2, 3)))
        return pooled, self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class FeatureModule(nn.Module):
    """Wraps features() as forward, so that torch.fx can trace it for batch-norm folding."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net.features(x)


NETWORKS = {
    # name: (widths, blocks, default exits) -- ExitPoints.defaultsFor: stages 1-3 of ResNet-18, all but the last
    # stage of a small ResNet.
    "resnet18": ([64, 128, 256, 512], [2, 2, 2, 2], (1, 2, 3)),
    "small": ([16, 32, 64], [1, 1, 1], (1, 2)),
}


def build(name):
    widths, blocks, exits = NETWORKS[name]
    torch.manual_seed(SEED)
    return ResNet(widths, blocks, exits)


def count_macs(net):
    """Multiply-accumulates of one image, counted as MacCounter does: convolutions and dense layers only."""
    total = 0

    def conv_hook(module, inputs, output):
        nonlocal total
        kh, kw = module.kernel_size
        total += output.numel() * (module.in_channels // module.groups) * kh * kw

    def linear_hook(module, inputs, output):
        nonlocal total
        total += module.in_features * module.out_features

    handles = []
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            handles.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            handles.append(m.register_forward_hook(linear_hook))
    net.eval()
    with torch.inference_mode():
        net(torch.zeros(1, 3, 32, 32))
    for h in handles:
        h.remove()
    return total


def describe(name, net):
    trainable = sum(p.numel() for p in net.parameters())
    # DL4J keeps batch-norm running mean and variance as parameters; PyTorch as buffers (plus a step counter).
    running = sum(b.numel() for n, b in net.named_buffers() if n.endswith(("running_mean", "running_var")))
    return {"network": name, "params_trainable": trainable, "params_total": trainable + running,
            "macs": count_macs(net)}


BLOCK_SECONDS = 0.5


def measure(seconds, images_per_operation, operation):
    """Runs operation in blocks of at least BLOCK_SECONDS (at least one operation each) until `seconds` have
    passed and at least three blocks were run; returns the best block's images/s by the wall clock and by process
    CPU time -- the protocol of PeerBenchmark.measure on the DL4J side."""
    end = time.perf_counter() + seconds
    best_wall = best_cpu = 0.0
    blocks = 0
    while blocks < 3 or time.perf_counter() < end:
        wall0, cpu0 = time.perf_counter(), time.process_time()
        block_end = wall0 + BLOCK_SECONDS
        count = 0
        while count == 0 or time.perf_counter() < block_end:
            operation()
            count += 1
        images = count * images_per_operation
        best_wall = max(best_wall, images / (time.perf_counter() - wall0))
        best_cpu = max(best_cpu, images / max(time.process_time() - cpu0, 1e-9))
        blocks += 1
    return best_wall, best_cpu


def measure_network(name, seconds):
    """Figures of one network: list of (figure, variant, wall img/s, cpu img/s)."""
    net = build(name)
    rows = []
    generator = torch.Generator().manual_seed(64)
    x = torch.rand(64, 3, 32, 32, generator=generator)
    y = torch.randint(0, 10, (64,), generator=generator)
    optimiser = torch.optim.Adam(net.parameters(), lr=1e-3)
    net.train()

    def step():
        optimiser.zero_grad(set_to_none=True)
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        optimiser.step()

    step()
    rows.append(("train_b64", "eager") + measure(seconds, 64, step))

    net.eval()
    extractor = FeatureModule(net).eval()
    variants = [("eager", extractor)]
    try:
        from torch.fx.experimental.optimization import fuse
        variants.append(("fx-folded", fuse(extractor)))
    except Exception as e:  # informational figure only
        print("note: torch.fx fuse failed (" + str(e) + "); no folded figures", file=sys.stderr)
    for batch in (256, 1):
        xb = torch.rand(batch, 3, 32, 32, generator=generator)
        for variant, module in variants:

            def infer(module=module, xb=xb):
                with torch.inference_mode():
                    module(xb)

            infer()
            rows.append(("infer_b%d" % batch, variant) + measure(seconds, batch, infer))
    return rows


def blas_library():
    """The BLAS shared library this process loaded: Debian's reference BLAS makes PyTorch's small-batch paths
    (batch-1 convolutions, the dense head) many times slower than OpenBLAS would."""
    try:
        with open("/proc/self/maps") as maps:
            paths = sorted({line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line})
        return ", ".join(paths) or "none found"
    except OSError:
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    parser.add_argument("--seconds", type=float, default=4.0, help="time per figure after warm-up (default 4)")
    parser.add_argument("--networks", default="resnet18,small", help="comma-separated: resnet18, small")
    parser.add_argument("--describe", action="store_true", help="print parameter and MAC counts only")
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    names = [n for n in args.networks.split(",") if n]
    for n in names:
        if n not in NETWORKS:
            sys.exit("unknown network " + n + "; known: " + ", ".join(NETWORKS))
    report = {"engine": "pytorch", "version": torch.__version__, "threads": torch.get_num_threads(),
              "omp_num_threads": os.environ.get("OMP_NUM_THREADS"), "python": platform.python_version(),
              "cpus": os.cpu_count(), "blas": blas_library(), "loadavg_start": os.getloadavg(), "networks": []}
    if "openblas" not in report["blas"].lower():
        print("warning: PyTorch runs on the reference BLAS (" + report["blas"] + "); its batch-1 figures are then "
              "far below what OpenBLAS gives (apt-get install libopenblas0-openmp)", file=sys.stderr)
    for name in names:
        entry = describe(name, build(name))
        print("pytorch %-8s params %d trainable, %d with BN running statistics; %d MACs"
              % (name, entry["params_trainable"], entry["params_total"], entry["macs"]), flush=True)
        if not args.describe:
            rows = measure_network(name, args.seconds)
            entry["figures"] = [{"figure": f, "variant": v, "wall": w, "cpu": c} for f, v, w, c in rows]
            for f, v, w, c in rows:
                print("pytorch %-8s %-13s %-11s %10.1f img/s   (%.1f img per CPU s)" % (name, v, f, w, c),
                      flush=True)
        report["networks"].append(entry)
    report["loadavg_end"] = os.getloadavg()
    if args.json:
        with open(args.json, "w") as out:
            json.dump(report, out, indent=1)


if __name__ == "__main__":
    main()
