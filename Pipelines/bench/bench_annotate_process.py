#!/usr/bin/env python3
"""What a user sees: the whole `lime annotate` process (start-up, model load, JSONL
parsing, annotation, JSONL output) against spaCy doing the same (start-up, model load,
read, en_core_web_sm tagger + NER, write), on text neither was trained or tuned on
(Pipelines/corpus/unseen.py), both pinned to the same core, runs interleaved so that a
noisy neighbour hits both alike. Prints one JSON line per run, then the minimum and
median of each and the ratios; also each side's annotation time alone (no I/O), lime's
measured by `lime tagger annotate` in the same interleaved rounds.

  bench_annotate_process.py --lime .build/release/lime --input data/unseen/unseen.jsonl \
      [--runs 5] [--spacy-runs 3] [--work bench-out/annotate-process]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def pinned(command):
    return (["taskset", "-c", "0"] if shutil.which("taskset") else []) + command


def timed(command, env=None):
    start = time.perf_counter()
    result = subprocess.run(pinned(command), capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if result.returncode not in (0, 3):
        sys.exit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stderr}")
    return wall, result


def count_tokens(path):
    tokens = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            tokens += len(json.loads(line)["tokens"])
    return tokens


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lime", required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--spacy-runs", type=int, default=3)
    ap.add_argument("--work", default="bench-out/annotate-process")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    size = os.path.getsize(args.input)
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    lime_out, spacy_out = os.path.join(args.work, "lime.jsonl"), os.path.join(args.work, "spacy.jsonl")
    lime_runs, spacy_runs, spacy_inner, lime_inner = [], [], [], []
    for run in range(max(args.runs, args.spacy_runs)):
        if run < args.runs:
            wall, result = timed([args.lime, "annotate", "--input", args.input, "--output", lime_out])
            lime_runs.append(wall)
            print(json.dumps({"system": "lime annotate", "run": run, "seconds": round(wall, 3)}), flush=True)
            # The annotator alone, without I/O: `lime tagger annotate` times its annotation loop.
            _, result = timed([args.lime, "tagger", "annotate", "--input", args.input, "--output",
                               os.path.join(args.work, "tagger.jsonl")])
            lime_inner.append(json.loads([l for l in result.stderr.splitlines() if l.startswith("{")][-1])["seconds"])
        if run < args.spacy_runs:
            wall, result = timed([sys.executable, os.path.join(HERE, "spacy_annotate.py"), "--input", args.input,
                                  "--output", spacy_out], env=env)
            spacy_runs.append(wall)
            spacy_inner.append(json.loads(result.stdout.strip().splitlines()[-1])["annotate_seconds"])
            print(json.dumps({"system": "spacy", "run": run, "seconds": round(wall, 3)}), flush=True)
    lime_tokens, spacy_tokens = count_tokens(lime_out), count_tokens(spacy_out)

    def summary(name, runs, tokens):
        return {"system": name, "runs": len(runs), "min_seconds": round(min(runs), 3),
                "median_seconds": round(statistics.median(runs), 3), "tokens": tokens,
                "tokens_per_second_median": round(tokens / statistics.median(runs), 1),
                "mb_per_second_median": round(size / 1e6 / statistics.median(runs), 3)}

    lime, spacy = summary("lime annotate", lime_runs, lime_tokens), summary("spacy", spacy_runs, spacy_tokens)
    print(json.dumps(lime))
    print(json.dumps(spacy))
    # Same text, same work: the ratio of the times (each side's token count differs by the
    # few tokens their tokenizers split differently).
    whole_min = min(spacy_runs) / min(lime_runs)
    whole_median = statistics.median(spacy_runs) / statistics.median(lime_runs)
    alone = statistics.median(spacy_inner) / statistics.median(lime_inner)
    report = {"bench": "annotate-process", "input": args.input, "input_mb": round(size / 1e6, 3), "core": 0,
              "speedup_whole_process_min": round(whole_min, 2), "speedup_whole_process_median": round(whole_median, 2),
              "lime_annotator_alone_median_seconds": round(statistics.median(lime_inner), 3),
              "spacy_annotator_alone_median_seconds": round(statistics.median(spacy_inner), 3),
              "speedup_annotator_alone_median": round(alone, 2)}
    print(json.dumps(report))
    print(f"whole process, one core, unseen text: lime {lime['tokens_per_second_median']:,.0f} tokens/s, spaCy "
          f"{spacy['tokens_per_second_median']:,.0f} tokens/s: {whole_median:.1f}x median, {whole_min:.1f}x best "
          f"(target >= 30x); annotator alone {alone:.1f}x (target >= 40x)", file=sys.stderr)


if __name__ == "__main__":
    main()
