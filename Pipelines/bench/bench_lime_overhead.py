#!/usr/bin/env python3
"""Training throughput of `lime` (metadata embeddings) vs `baseline` on the same model,
alternating runs so that both see the same machine load; prints the ratio.

  python3 Pipelines/bench/bench_lime_overhead.py .build/release/lime [--rounds 3] [--threads 1]
"""
import argparse
import json
import subprocess

MODEL = ["--layers", "4", "--d-model", "256", "--heads", "4", "--ctx", "256", "--batch", "8", "--vocab", "8000", "--steps", "5"]


def run(lime, threads, metadata):
    args = [lime, "bench", "train", *MODEL, "--threads", str(threads)] + (["--metadata", metadata] if metadata else [])
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads([line for line in out.splitlines() if line.startswith("{")][-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("lime")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--metadata", default="53,40", help="metadata table sizes: tag (53) and ner (40) with reserved ids")
    a = ap.parse_args()
    best = {"baseline": 0.0, "lime": 0.0}
    params = {}
    for _ in range(a.rounds):
        for name, metadata in (("baseline", None), ("lime", a.metadata)):
            result = run(a.lime, a.threads, metadata)
            best[name] = max(best[name], result.get("tokens_per_cpu_s", result["tokens_per_s"]))
            params[name] = result["params"]
    print(json.dumps({"benchmark": "lime-overhead", "threads": a.threads, "baseline_tokens_per_cpu_s": round(best["baseline"], 1),
                      "lime_tokens_per_cpu_s": round(best["lime"], 1), "lime_over_baseline": round(best["lime"] / best["baseline"], 4),
                      "params": params, "metadata_share": round((params["lime"] - params["baseline"]) / params["lime"], 5)}))


if __name__ == "__main__":
    main()
