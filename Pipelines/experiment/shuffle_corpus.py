#!/usr/bin/env python3
"""Deterministically shuffles the documents of a JSONL corpus (seeded), so that every shard
of the experiment's dataset mixes all sources and a short training run (which reads a few
shards) sees the same distribution as the validation split.

  python3 Pipelines/experiment/shuffle_corpus.py IN.jsonl OUT.jsonl [--seed 1]
"""
import argparse
import os
import random
import tempfile


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    with open(args.input, encoding="utf-8") as f:
        lines = [line if line.endswith("\n") else line + "\n" for line in f]
    random.Random(args.seed).shuffle(lines)
    directory = os.path.dirname(os.path.abspath(args.output))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".shuffle-")
    with os.fdopen(fd, "w", encoding="utf-8") as g:
        g.writelines(lines)
        g.flush()
        os.fsync(g.fileno())
    os.replace(tmp, args.output)
    print(f"{args.output}: {len(lines)} documents shuffled with seed {args.seed}")


if __name__ == "__main__":
    main()
