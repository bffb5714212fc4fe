#!/usr/bin/env python3
"""Scaling benchmark of `lime run`: throughput with 1 worker and with all cores (scaling
efficiency), and peak memory, on a small and on a much larger input file.

  python3 Pipelines/bench/bench_scale.py --lime .build/release/lime --input X.jsonl \
      --tokenizer tok.model --work bench-out/scale [--annotator native] [--repeat 8]

Peak memory is the maximum resident set of the `lime run` process (getrusage of the
child). The large input repeats the corpus `--repeat` times (ids made unique): with
bounded per-worker memory the peak must not grow with the file.
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time


def run(lime, data, tokenizer, out, annotator, workers, unit_documents):
    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen([lime, "run", "--input", data, "--output", out, "--tokenizer", tokenizer,
                             "--annotator", annotator, "--workers", str(workers),
                             "--unit-documents", str(unit_documents)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, _, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if proc.stdout:
        proc.stdout.close()
    if proc.stderr:
        proc.stderr.close()
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    return wall, usage.ru_maxrss / 1024.0, manifest


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lime", required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--work", default="bench-out/scale")
    ap.add_argument("--annotator", default="native")
    ap.add_argument("--repeat", type=int, default=16, help="the largest file repeats the corpus this often")
    ap.add_argument("--unit-documents", type=int, default=100, help="enough units for every worker to stay busy")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    cores = os.cpu_count() or 1
    size = os.path.getsize(args.input)

    walls = {}
    for workers in sorted({1, cores}):
        wall, rss, manifest = run(args.lime, args.input, args.tokenizer, os.path.join(args.work, f"w{workers}"),
                                  args.annotator, workers, args.unit_documents)
        walls[workers] = wall
        print(json.dumps({"benchmark": "scale", "annotator": args.annotator, "workers": workers,
                          "input_mb": round(size / 1e6, 2), "seconds": round(wall, 3),
                          "mb_per_s": round(size / 1e6 / wall, 3), "tokens_per_s": round(manifest["tokens"] / wall, 1),
                          "peak_rss_mb": round(rss, 1)}), flush=True)
    if cores > 1:
        speedup = walls[1] / walls[cores]
        print(json.dumps({"benchmark": "scale", "workers": cores, "speedup": round(speedup, 3),
                          "scaling_efficiency": round(speedup / cores, 3)}), flush=True)

    with open(args.input, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    sizes = [("x1", args.input)]
    for repeat in (args.repeat // 4, args.repeat):
        path = os.path.join(args.work, f"x{repeat}.jsonl")
        with open(path, "w", encoding="utf-8") as g:
            for r in range(repeat):
                for row in rows:
                    g.write(json.dumps(dict(row, id=f"{row.get('id', '')}#{r}"), ensure_ascii=False) + "\n")
        sizes.append((f"x{repeat}", path))
    for label, path in sizes:
        wall, rss, _ = run(args.lime, path, args.tokenizer, os.path.join(args.work, f"mem-{label}"), args.annotator, cores,
                           args.unit_documents)
        print(json.dumps({"benchmark": "memory", "input": label, "input_mb": round(os.path.getsize(path) / 1e6, 2),
                          "workers": cores, "peak_rss_mb": round(rss, 1),
                          "peak_rss_mb_per_worker": round(rss / cores, 1)}), flush=True)

if __name__ == "__main__":
    sys.exit(main())
