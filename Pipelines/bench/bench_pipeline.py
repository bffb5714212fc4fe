#!/usr/bin/env python3
"""Benchmark of `lime run` per stage, next to the Python baseline on the same text.

  python3 Pipelines/bench/bench_pipeline.py --lime .build/release/lime --input X.jsonl \
      --tokenizer tok.model --work bench-out/pipeline [--limit 400] [--annotators native,spacy]

For each annotator, lime runs with one worker (per-stage figures, from the provenance
database's per-unit stage timings) and with all cores (wall time). The baseline
(Pipelines/bench/pipeline_baseline.py: spaCy + sentencepiece writing numpy arrays, one
process) runs on the same documents in the same invocation. Prints one JSON line per
measurement and the ratios lime/baseline.
"""
import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def subset(path, limit, out):
    with open(path, encoding="utf-8") as f, open(out, "w", encoding="utf-8") as g:
        n = 0
        for line in f:
            if limit and n >= limit:
                break
            g.write(line)
            n += 1
    return n


def run_lime(lime, data, tokenizer, out, annotator, workers, unit_documents):
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    result = subprocess.run([lime, "run", "--input", data, "--output", out, "--tokenizer", tokenizer,
                             "--annotator", annotator, "--workers", str(workers),
                             "--unit-documents", str(unit_documents)], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"lime run failed ({result.returncode}):\n{result.stderr}{result.stdout}")
    db = sqlite3.connect(os.path.join(out, "provenance.sqlite"))
    stages = {row[0]: (row[1], row[2]) for row in
              db.execute("SELECT stage, SUM(items), SUM(seconds) FROM unit_stages GROUP BY stage")}
    docs, tokens = db.execute("SELECT SUM(documents), SUM(tokens) FROM units").fetchone()
    shard_bytes = db.execute("SELECT SUM(bytes) FROM shards").fetchone()[0]
    return wall, stages, docs, tokens, shard_bytes


def line(**fields):
    print(json.dumps(fields), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lime", required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--work", default="bench-out/pipeline")
    ap.add_argument("--limit", type=int, default=400, help="documents (spaCy is slow: keep it small)")
    ap.add_argument("--annotators", default="native,spacy")
    ap.add_argument("--unit-documents", type=int, default=50, help="small units, so that all cores get work")
    args = ap.parse_args()

    os.makedirs(args.work, exist_ok=True)
    data = os.path.join(args.work, "input.jsonl")
    docs = subset(args.input, args.limit, data)
    text_bytes = 0
    with open(data, encoding="utf-8") as f:
        for row in f:
            text_bytes += len(json.loads(row)["text"].encode("utf-8"))
    cores = os.cpu_count() or 1
    line(benchmark="pipeline", documents=docs, text_mb=round(text_bytes / 1e6, 3), cores=cores)

    # Python baseline on the same documents.
    baseline = {}
    result = subprocess.run([sys.executable, os.path.join(HERE, "pipeline_baseline.py"), "--input", data,
                             "--model", args.tokenizer, "--output", os.path.join(args.work, "baseline")],
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"baseline failed:\n{result.stderr}")
    for row in result.stdout.splitlines():
        record = json.loads(row)
        baseline[record["stage"]] = record
        line(system="python-baseline", **record)

    stage_map = {"annotate": "annotate", "align": "align", "pack": "write"}
    for annotator in [a for a in args.annotators.split(",") if a]:
        wall1, stages, ndocs, tokens, shard_bytes = run_lime(args.lime, data, args.tokenizer,
                                                              os.path.join(args.work, f"lime-{annotator}-1"), annotator, 1,
                                                              args.unit_documents)
        read_items, read_seconds = stages.get("read", (0, 0.0))
        for stage in ["read", "annotate", "align", "pack"]:
            items, seconds = stages.get(stage, (0, 0.0))
            s = max(seconds, 1e-9)
            record = {"system": f"lime-{annotator}", "workers": 1, "stage": stage, "seconds": round(seconds, 4),
                      "docs_per_s": round(ndocs / s, 1), "mb_per_s": round(text_bytes / 1e6 / s, 3),
                      "tokens_per_s": round(tokens / s, 1)}
            reference = baseline.get(stage_map.get(stage, ""), None)
            if reference:
                record["speedup_vs_baseline"] = round(reference["seconds"] / s, 2)
            line(**record)
        line(system=f"lime-{annotator}", workers=1, stage="total", seconds=round(wall1, 3),
             docs_per_s=round(ndocs / wall1, 1), mb_per_s=round(text_bytes / 1e6 / wall1, 3),
             tokens_per_s=round(tokens / wall1, 1), shard_bytes_per_token=round(shard_bytes / tokens, 3),
             speedup_vs_baseline=round(baseline["total"]["seconds"] / wall1, 2))
        if cores > 1:
            wall, _, ndocs, tokens, _ = run_lime(args.lime, data, args.tokenizer,
                                                 os.path.join(args.work, f"lime-{annotator}-{cores}"), annotator, cores,
                                                 args.unit_documents)
            line(system=f"lime-{annotator}", workers=cores, stage="total", seconds=round(wall, 3),
                 docs_per_s=round(ndocs / wall, 1), mb_per_s=round(text_bytes / 1e6 / wall, 3),
                 tokens_per_s=round(tokens / wall, 1), speedup_vs_baseline=round(baseline["total"]["seconds"] / wall, 2))

    # The native pipeline on the whole input file (too slow for the spaCy baseline).
    if "native" in args.annotators.split(","):
        size = os.path.getsize(args.input)
        full_seconds = {}
        for workers in sorted({1, cores}):
            wall, _, ndocs, tokens, shard_bytes = run_lime(args.lime, args.input, args.tokenizer,
                                                           os.path.join(args.work, f"full-native-{workers}"), "native",
                                                           workers, args.unit_documents * 2)
            full_seconds[workers] = wall
            line(system="lime-native", input="full", workers=workers, documents=ndocs, seconds=round(wall, 3),
                 mb_per_s=round(size / 1e6 / wall, 3), tokens_per_s=round(tokens / wall, 1),
                 shard_bytes_per_token=round(shard_bytes / tokens, 3))
        retokenize(args, full_seconds[1], size)


def retokenize(args, first_seconds, size):
    """The same directory again with another tokenizer (lime's default one): the run
    re-aligns and re-packs from the kept annotations into a shard set."""
    directory = os.path.join(args.work, "full-native-1")
    start = time.perf_counter()
    result = subprocess.run([args.lime, "run", "--input", args.input, "--output", directory, "--annotator", "native",
                             "--workers", "1", "--unit-documents", str(args.unit_documents * 2)],
                            capture_output=True, text=True)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"lime run (another tokenizer) failed ({result.returncode}):\n{result.stderr}{result.stdout}")
    sets = os.path.join(directory, "shard-sets")
    shard_set = os.path.join(sets, sorted(os.listdir(sets))[0])
    db = sqlite3.connect(os.path.join(shard_set, "provenance.sqlite"))
    annotated = db.execute("SELECT COALESCE(SUM(items), 0) FROM unit_stages WHERE stage = 'annotate'").fetchone()[0]
    reused = db.execute("SELECT COUNT(*) FROM stage_outputs WHERE status = 'reused'").fetchone()[0]
    line(system="lime-native", input="full", stage="retokenize", workers=1, seconds=round(wall, 3),
         mb_per_s=round(size / 1e6 / wall, 3), units_reused=reused, documents_annotated=annotated,
         first_run_seconds=round(first_seconds, 3), speedup_vs_first_run=round(first_seconds / wall, 2))


if __name__ == "__main__":
    main()
