#!/usr/bin/python3
"""Combines the JSON files of one bench/run-peer-bench.sh run into the DL4J / PyTorch ratio of every figure.

  compare_peer.py --check DIR     compare the parameter and MAC counts of dl4j-describe.json and
                                  pytorch-describe.json; exit 1 on any mismatch
  compare_peer.py DIR             read dl4j-t<T>-r<R>.json and pytorch-t<T>-r<R>.json, keep per engine, thread
                                  count, network, figure and variant the best round, print the table and write
                                  DIR/results.json and DIR/results.csv

A ratio above 1 means DL4J is faster. Every ratio divides two figures of the same run on the same machine, by
the wall clock ("wall") and by process CPU time ("cpu", which ignores time spent waiting for a core when other
jobs share the machine). The reference is PyTorch's plain eager mode; PyTorch with batch-norm folded by torch.fx
("fx-folded") is listed for information. Needs only the Python standard library.
"""
import csv
import glob
import json
import os
import re
import sys

REFERENCE = "eager"


def load(path):
    with open(path) as f:
        return json.load(f)


def check(directory):
    dl4j = {n["network"]: n for n in load(os.path.join(directory, "dl4j-describe.json"))["networks"]}
    torch = {n["network"]: n for n in load(os.path.join(directory, "pytorch-describe.json"))["networks"]}
    ok = True
    for name in sorted(set(dl4j) | set(torch)):
        if name not in dl4j or name not in torch:
            print("MISMATCH: network %s is built by only one engine" % name)
            ok = False
            continue
        for key in ("params_trainable", "params_total", "macs"):
            a, b = dl4j[name][key], torch[name][key]
            status = "ok" if a == b else "MISMATCH"
            ok = ok and a == b
            print("%-8s %-17s DL4J %12d   PyTorch %12d   %s" % (name, key, a, b, status))
    if not ok:
        print("\nThe two engines do not build the same networks; ratios would be meaningless. Fix "
              "bench/pytorch/peer_bench.py or the backbone builder before comparing.")
        sys.exit(1)


def best_figures(directory):
    """{(engine, threads, network, figure, variant): {"wall", "cpu", "rounds"}} keeping the best round."""
    best = {}
    loads = {}
    for path in sorted(glob.glob(os.path.join(directory, "*-t*-r*.json"))):
        match = re.search(r"(dl4j|pytorch)-t(\d+)-r(\d+)\.json$", path)
        if not match:
            continue
        engine, threads = match.group(1), int(match.group(2))
        report = load(path)
        loads.setdefault(threads, []).extend([report["loadavg_start"][0], report["loadavg_end"][0]])
        for network in report["networks"]:
            for row in network.get("figures", []):
                key = (engine, threads, network["network"], row["figure"], row["variant"])
                entry = best.setdefault(key, {"wall": 0.0, "cpu": 0.0, "rounds": 0})
                entry["wall"] = max(entry["wall"], row["wall"])
                entry["cpu"] = max(entry["cpu"], row["cpu"])
                entry["rounds"] += 1
    return best, loads


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check(sys.argv[2])
        return
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    directory = sys.argv[1]
    best, loads = best_figures(directory)
    if not best:
        sys.exit("no dl4j-t*-r*.json / pytorch-t*-r*.json results in " + directory)
    rows = []
    for (engine, threads, network, figure, variant), dl4j in sorted(best.items()):
        if engine != "dl4j":
            continue
        reference = best.get(("pytorch", threads, network, figure, REFERENCE))
        folded = best.get(("pytorch", threads, network, figure, "fx-folded"))
        rows.append({
            "threads": threads, "network": network, "figure": figure, "dl4j_variant": variant,
            "dl4j_wall": round(dl4j["wall"], 1), "dl4j_cpu": round(dl4j["cpu"], 1),
            "pytorch_wall": round(reference["wall"], 1) if reference else None,
            "pytorch_cpu": round(reference["cpu"], 1) if reference else None,
            "ratio_wall": round(dl4j["wall"] / reference["wall"], 3) if reference else None,
            "ratio_cpu": round(dl4j["cpu"] / reference["cpu"], 3) if reference else None,
            "pytorch_fx_folded_wall": round(folded["wall"], 1) if folded else None,
            "ratio_wall_vs_fx_folded": round(dl4j["wall"] / folded["wall"], 3) if folded else None,
            "rounds": dl4j["rounds"],
        })
    order = {"train_b64": 0, "infer_b256": 1, "infer_b1": 2}
    rows.sort(key=lambda r: (r["threads"], r["network"], order.get(r["figure"], 9), r["dl4j_variant"]))

    print("DL4J / PyTorch, images/s, best of %s round(s); ratio > 1: DL4J faster" % max(r["rounds"] for r in rows))
    print("%-3s %-9s %-11s %-14s %10s %10s %7s %10s %10s %7s %9s" % (
        "thr", "network", "figure", "DL4J variant", "DL4J wall", "PyT wall", "ratio", "DL4J cpu", "PyT cpu",
        "ratio", "vs fx-f"))
    for r in rows:
        print("%-3d %-9s %-11s %-14s %10s %10s %7s %10s %10s %7s %9s" % (
            r["threads"], r["network"], r["figure"], r["dl4j_variant"], r["dl4j_wall"], r["pytorch_wall"],
            fmt(r["ratio_wall"]), r["dl4j_cpu"], r["pytorch_cpu"], fmt(r["ratio_cpu"]),
            fmt(r["ratio_wall_vs_fx_folded"])))
    for threads, values in sorted(loads.items()):
        print("load average during the %d-thread runs: %.1f to %.1f (%d cores)" % (
            threads, min(values), max(values), os.cpu_count()))

    with open(os.path.join(directory, "results.json"), "w") as f:
        json.dump({"rows": rows, "loadavg": loads}, f, indent=1)
    with open(os.path.join(directory, "results.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)
    print("written: %s, %s" % (os.path.join(directory, "results.json"), os.path.join(directory, "results.csv")))


def fmt(value):
    return "-" if value is None else "%.2f" % value


if __name__ == "__main__":
    main()
