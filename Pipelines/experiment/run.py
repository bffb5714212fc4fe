#!/usr/bin/env python3
"""Runs the ablation's training jobs: every variant x seed through `lime train` (or
`--resume` when a checkpoint exists), then `lime eval` and `lime probe` (and, for the
metadata-head variant, `lime probe --metadata predicted`). Jobs run `--jobs` at a time
(two 1-thread jobs use 2 cores better than one 2-thread job for these small models); a job
whose outputs exist is skipped, so an interrupted experiment continues where it stopped.

  python3 Pipelines/experiment/run.py --lime .build/release/lime --data DIR --tokenizer M \
      --config C.json --runs experiment/runs --problems heldout.jsonl \
      [--variants baseline lime ...] [--seeds 1 2 3] [--jobs 2] [--eval-windows 64] [--text-data DIR]
      [--causal-data DIR --causal-text-data DIR]

Run directories: RUNS/<variant, '+' as 'plus'>/seed<N>/ with run.json, metrics.jsonl,
checkpoint.lime, eval.json (+ eval-text.json with --text-data; for lime, eval-causal.json
with --causal-data), arith.json (+ arith-predicted.json), train.log; RUNS/timing.json
records every job's wall time and the whole experiment's.
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import time

# name -> (lime train --variant, --metadata, extra flags); CAUSAL ones train and evaluate on
# the shards annotated in causal context (--causal-data, --causal-text-data).
VARIANTS = {
    "baseline": ("baseline", "tag", []),
    "lime": ("lime", "tag", []),
    "lime-pos": ("lime", "pos", []),
    "lime-ner": ("lime", "ner", []),
    "lime-all": ("lime", "tag,pos,ner", []),
    "lime+1": ("lime+1", "tag", []),
    "lime+1-predicted": ("lime+1", "tag", ["--metadata-head"]),
    "lime-causal": ("lime", "tag", []),
}
CAUSAL = {"lime-causal"}


def run_dir(runs, variant, seed):
    return os.path.join(runs, variant.replace("+", "plus"), f"seed{seed}")


def commands(a, variant, seed):
    """The (output file, command) steps of one job, in order."""
    run = run_dir(a.runs, variant, seed)
    kind, metadata, extra = VARIANTS[variant]
    causal = variant in CAUSAL
    if causal and not (a.causal_data and a.causal_text_data):
        raise SystemExit(f"{variant} needs --causal-data and --causal-text-data")
    data, text_data = (a.causal_data, a.causal_text_data) if causal else (a.data, a.text_data)
    if os.path.exists(os.path.join(run, "checkpoint.lime")):
        train = [a.lime, "train", "--resume", run]
    else:
        train = [a.lime, "train", "--data", data, "--tokenizer", a.tokenizer, "--variant", kind, "--metadata", metadata,
                 *extra, "--config", a.config, "--seed", str(seed), "--out", run]
    steps = [(os.path.join(run, "trained"), train),
             (os.path.join(run, "eval.json"), [a.lime, "eval", "--checkpoint", run, "--max-windows", str(a.eval_windows),
                                               "--json", os.path.join(run, "eval.json")]),
             (os.path.join(run, "arith.json"), [a.lime, "probe", "--checkpoint", run, "--problems", a.problems,
                                                "--json", os.path.join(run, "arith.json")])]
    if text_data:
        steps.append((os.path.join(run, "eval-text.json"),
                      [a.lime, "eval", "--checkpoint", run, "--data", text_data, "--split", "validation",
                       "--max-windows", str(a.eval_windows), "--json", os.path.join(run, "eval-text.json")]))
    if variant == "lime" and a.causal_data:
        # Plain LIME trained on full-context tags, fed causal ones (the same validation documents).
        steps.append((os.path.join(run, "eval-causal.json"),
                      [a.lime, "eval", "--checkpoint", run, "--data", a.causal_data, "--split", "validation",
                       "--max-windows", str(a.eval_windows), "--json", os.path.join(run, "eval-causal.json")]))
    if "--metadata-head" in extra:
        steps.append((os.path.join(run, "arith-predicted.json"),
                      [a.lime, "probe", "--checkpoint", run, "--problems", a.problems, "--metadata", "predicted",
                       "--json", os.path.join(run, "arith-predicted.json")]))
    return run, steps


def job(a, variant, seed):
    run, steps = commands(a, variant, seed)
    os.makedirs(run, exist_ok=True)
    t0 = time.time()
    ran = []
    with open(os.path.join(run, "train.log"), "a") as log:
        for output, cmd in steps:
            if os.path.exists(output):
                continue
            log.write("$ " + " ".join(cmd) + "\n")
            log.flush()
            start = time.time()
            code = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT)
            if code != 0:
                raise RuntimeError(f"{variant} seed {seed}: {' '.join(cmd[:2])} failed ({code}); see {run}/train.log")
            if output.endswith("trained"):
                open(output, "w").close()
            step = os.path.basename(output).rsplit(".", 1)[0]
            ran.append(("train" if step == "trained" else step, round(time.time() - start, 1)))
    return variant, seed, round(time.time() - t0, 1), ran


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lime", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--runs", required=True)
    ap.add_argument("--problems", required=True)
    ap.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    ap.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--eval-windows", type=int, default=64)
    ap.add_argument("--text-data", help="a shard set of the text documents alone: `lime eval --split validation` "
                                        "on it scores the run's validation documents without the arithmetic ones")
    ap.add_argument("--causal-data", help="the shards annotated in causal context (`lime run --annotation-context causal`): "
                    "lime-causal trains on them, lime is also evaluated on them")
    ap.add_argument("--causal-text-data", help="the text documents alone, annotated in causal context")
    a = ap.parse_args(argv)
    os.makedirs(a.runs, exist_ok=True)
    # Seed-major order: with fewer jobs than runs, every variant's first seed finishes first.
    todo = [(v, s) for s in a.seeds for v in a.variants]
    start = time.time()
    timing_path = os.path.join(a.runs, "timing.json")
    timing = json.load(open(timing_path)) if os.path.exists(timing_path) else {"jobs": {}}
    failed = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        futures = {pool.submit(job, a, v, s): (v, s) for v, s in todo}
        for f in concurrent.futures.as_completed(futures):
            try:
                variant, seed, seconds, ran = f.result()
            except RuntimeError as e:
                print(e, file=sys.stderr)
                failed.append(futures[f])
                continue
            if ran:
                timing["jobs"][f"{variant}/seed{seed}"] = {"seconds": seconds, "steps": dict(ran)}
            print(f"{variant} seed {seed}: {seconds:.0f} s {ran}", flush=True)
    timing["wall_seconds_last_invocation"] = round(time.time() - start, 1)
    timing["jobs_parallel"] = a.jobs
    with open(timing_path, "w") as fh:
        json.dump(timing, fh, indent=2, sort_keys=True)
    if failed:
        print(f"failed: {failed}", file=sys.stderr)
        return 1
    print(f"{len(todo)} jobs in {time.time() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
