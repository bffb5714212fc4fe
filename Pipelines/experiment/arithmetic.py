#!/usr/bin/env python3
"""Arithmetic data for the ablation's probe: every `a + b = c` with two-digit a and b,
a held-out set (never in training) and training documents of 20 problems each.

  python3 Pipelines/experiment/arithmetic.py --train OUT.jsonl --heldout OUT.jsonl \
      [--heldout-count 400] [--copies 4] [--seed 1]

Training problems appear `--copies` times, grouped differently each time.
"""
import argparse
import json
import os
import random
import tempfile


def write_jsonl(path, rows):
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".arith-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", required=True)
    ap.add_argument("--heldout", required=True)
    ap.add_argument("--heldout-count", type=int, default=400)
    ap.add_argument("--copies", type=int, default=4)
    ap.add_argument("--per-document", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    problems = [(x, y) for x in range(10, 100) for y in range(10, 100)]
    rng.shuffle(problems)
    heldout, train = problems[:a.heldout_count], problems[a.heldout_count:]
    write_jsonl(a.heldout, ({"prompt": f"{x} + {y} =", "answer": str(x + y)} for x, y in heldout))
    documents = []
    for copy in range(a.copies):
        order = train[:]
        rng.shuffle(order)
        for start in range(0, len(order), a.per_document):
            chunk = order[start:start + a.per_document]
            documents.append({"id": f"arith/{copy}/{start // a.per_document}",
                              "text": "\n".join(f"{x} + {y} = {x + y}" for x, y in chunk)})
    write_jsonl(a.train, documents)
    print(f"{a.train}: {len(documents)} documents ({len(train)} problems x {a.copies}); "
          f"{a.heldout}: {len(heldout)} held-out problems")


if __name__ == "__main__":
    main()
