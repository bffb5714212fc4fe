#!/usr/bin/env python3
"""Issue 20: the trainer's data loading on a dataset larger than the memory budget: peak
resident memory of a global shuffle, and random against sequential reads, in Swift and Python.

    python3 Pipelines/bench/bench_loader.py --lime .build/release/lime [--tokens 60000000] [--budget-mb 160]

Builds a base dataset with `lime run` (the real-text fixture repeated), then lists copies of
its shards under new names until the manifest holds --tokens tokens (the decoded dataset is
then several times --budget-mb). Every measurement runs in its own process and reports that
process's peak resident set (VmHWM):

- swift sequential / random: `ShardDataset.window(at:)` in index order / in a random order;
- swift global (1 and 2 threads): `GlobalShuffleLoader` batches (its open reads every shard
  once to count windows, reported as setup), and swift shard: the default `TrainingLoader`;
- python sequential / random: `Dataset.windows()` against `Dataset.window(i)` in a random
  order, and `Dataset.documents()` against `Dataset[i]`.

Fails unless the global shuffle's peak RSS stays under --budget-mb while the decoded dataset
exceeds it.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "Pipelines", "python"))
FIXTURE = os.path.join(ROOT, "Tests", "LimeDataTests", "Fixtures", "real-text.jsonl")


def peak_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run(cmd):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True).stdout


def build(args):
    os.makedirs(args.work, exist_ok=True)
    out = os.path.join(args.work, "dataset")
    stamp = os.path.join(args.work, "built-with.json")
    settings = {"tokens": args.tokens, "copies": args.copies}
    if os.path.exists(os.path.join(out, "manifest.json")) and os.path.exists(stamp) and json.load(open(stamp)) == settings:
        return out
    base = os.path.join(args.work, "base")
    shutil.rmtree(base, ignore_errors=True)
    rows = [json.loads(line) for line in open(FIXTURE, encoding="utf-8") if line.strip()]
    text = os.path.join(args.work, "base.jsonl")
    with open(text, "w", encoding="utf-8") as f:
        for k in range(args.copies):
            for i, row in enumerate(rows):
                f.write(json.dumps({"id": f"r{k}/{i}", "text": row["text"]}) + "\n")
    tokenizer = os.path.join(args.work, "tok.model")
    if not os.path.exists(tokenizer):
        run([args.lime, "tokenizer", "train", "--input", FIXTURE, "--vocab-size", "2000", "--output", tokenizer])
    run([args.lime, "run", "--input", text, "--output", base, "--tokenizer", tokenizer, "--unit-documents", "256"])
    manifest = json.load(open(os.path.join(base, "manifest.json")))
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "shards"))
    shutil.copy(tokenizer, os.path.join(out, manifest["tokenizer"]["file"]))
    shards, copy = [], 0
    while sum(s["tokens"] for s in shards) < args.tokens:
        for s in manifest["shards"]:
            name = f"shard-{copy:05d}-{len(shards):06d}.lime"
            shutil.copy(os.path.join(base, "shards", s["file"]), os.path.join(out, "shards", name))
            shards.append(dict(s, file=name))
        copy += 1
    manifest.update(shards=shards, documents=sum(s["documents"] for s in shards), tokens=sum(s["tokens"] for s in shards))
    json.dump(manifest, open(os.path.join(out, "manifest.json"), "w"), indent=2, sort_keys=True)
    json.dump(settings, open(stamp, "w"))
    return out


def child_python(args):
    """One Python measurement (in its own process): prints a JSON line. torch is kept out
    (its import alone costs about 500 MiB resident); the reader does not need it."""
    sys.modules["torch"] = None
    from lime_shards import Dataset
    ds = Dataset(args.data)
    n, t = 0, time.perf_counter()
    if args.child in ("py-seq-windows", "py-random-windows"):
        total = ds.num_windows(args.length, separator_token=2)
        if args.child == "py-seq-windows":
            for w in ds.windows(args.length, separator_token=2):
                n += 1
                if n == args.windows:
                    break
        else:
            for i in np.random.default_rng(1).permutation(total)[:args.windows].tolist():
                ds.window(i, args.length, separator_token=2)
                n += 1
    else:
        if args.child == "py-seq-documents":
            for _ in ds.documents():
                n += 1
                if n == args.windows:
                    break
        else:
            for i in np.random.default_rng(1).permutation(len(ds))[:args.windows].tolist():
                ds[i]
                n += 1
    seconds = time.perf_counter() - t
    print(json.dumps({"mode": args.child, "windows": n, "seconds": seconds, "windows_per_s": n / seconds,
                      "max_rss_mb": peak_mb(), "setup_seconds": 0, "threads": 1}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lime", default=os.path.join(ROOT, ".build", "release", "lime"))
    parser.add_argument("--work", default=os.path.join(ROOT, "bench-out", "loader"))
    parser.add_argument("--tokens", type=int, default=60_000_000)
    parser.add_argument("--copies", type=int, default=80, help="fixture copies in the base dataset")
    parser.add_argument("--length", type=int, default=256)
    parser.add_argument("--budget-mb", type=float, default=160)
    parser.add_argument("--sequential", type=int, default=50_000, help="windows read in order")
    parser.add_argument("--random", type=int, default=400, help="windows read in a random order")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--windows", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child_python(args)

    data = build(args)
    m = json.load(open(os.path.join(data, "manifest.json")))
    disk = sum(s["bytes"] for s in m["shards"]) / 2**20
    decoded = m["tokens"] * (2 + 4) / 2**20  # u16 ids + tag, pos, ner, word_start
    print(f"dataset: {m['tokens']:,} tokens, {m['documents']:,} documents, {len(m['shards'])} shards, "
          f"{disk:.0f} MiB on disk, {decoded:.0f} MiB decoded; budget {args.budget_mb:.0f} MiB; windows of {args.length}")
    swift = [("sequential", args.sequential, 1), ("random", args.random, 1), ("global", args.random, 1),
             ("global", args.random, 2), ("shard", args.sequential, 1)]
    results = []
    for mode, windows, threads in swift:
        line = run([args.lime, "bench", "loader", "--data", data, "--mode", mode, "--length", str(args.length),
                    "--windows", str(windows), "--threads", str(threads)])
        results.append(("swift", json.loads(line)))
    for mode, windows in (("py-seq-windows", args.sequential), ("py-random-windows", args.random),
                          ("py-seq-documents", args.sequential), ("py-random-documents", args.random)):
        line = run([sys.executable, __file__, "--child", mode, "--data", data, "--length", str(args.length),
                    "--windows", str(windows)])
        results.append(("python", json.loads(line)))
    rate = {}
    for lang, r in results:
        name = f"{lang} {r['mode']}" + (f" x{r['threads']}" if r["mode"] == "global" else "")
        rate[name] = r["windows_per_s"]
        setup = f", setup {r['setup_seconds']:.1f} s" if r["setup_seconds"] else ""
        print(f"{name:28s} {r['windows']:7d} windows {r['windows_per_s']:11.1f} windows/s  peak RSS {r['max_rss_mb']:7.1f} MiB{setup}")
    print(f"random / sequential: swift {rate['swift random'] / rate['swift sequential']:.4f}x, "
          f"python windows {rate['python py-random-windows'] / rate['python py-seq-windows']:.4f}x, "
          f"python documents {rate['python py-random-documents'] / rate['python py-seq-documents']:.4f}x")
    peak = max(r["max_rss_mb"] for lang, r in results if r["mode"] == "global")
    ok = peak < args.budget_mb < decoded
    print(f"global shuffle peak RSS {peak:.1f} MiB vs budget {args.budget_mb:.0f} MiB (dataset {decoded:.0f} MiB decoded): "
          f"{'within' if ok else 'NOT within'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
