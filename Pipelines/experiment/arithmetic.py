#!/usr/bin/env python3
"""Arithmetic data for the ablation's probe: `a + b = c` for every a, b in 0..99 (one- and
two-digit operands), a held-out set of unordered pairs that never occur in training (in
either order), and training documents of `--per-document` problems each.

  python3 Pipelines/experiment/arithmetic.py --train OUT.jsonl --heldout OUT.jsonl \
      [--heldout-count 500] [--copies 48] [--per-document 20] [--seed 1] [--format plain]

Fixed format, one problem per line, single spaces; the tokenizer splits digits, so every
digit is its own piece. `--format plain` (the default): `37 + 45 = 82`, plain decimal.
`--format reversed`: operands zero-padded to two digits, the sum zero-padded to three and
written least significant digit first (`37 + 45 = 280`, `07 + 05 = 210`), the order in
which small transformers learn addition from few examples (Lee et al. 2023, "Teaching
Arithmetic to Small Transformers"); measured at the experiment's scale it is much worse
(baseline 0.010 and 0.016 exact against 0.246 plain; experiment/quick/arith-check.md). Every
training problem appears `--copies` times, grouped into documents differently each time,
so that a run which reads part of the corpus still sees each problem several times.
Held-out lines carry `a`, `b` and `format` besides `prompt` and `answer` (`lime probe` ignores them;
the report breaks accuracy down by operand length with them).
"""
import argparse
import json
import os
import random
import tempfile

LIMIT = 100  # operands 0..99


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


FORMATS = ("plain", "reversed")


def prompt(a, b, form="plain"):
    """The problem as the model is asked it: `37 + 45 =` (`07 + 05 =` when reversed)."""
    return f"{a:02d} + {b:02d} =" if form == "reversed" else f"{a} + {b} ="


def answer(a, b, form="plain"):
    """The sum as written in the corpus: `280` for 37 + 45 when reversed, else `82`."""
    return f"{a + b:03d}"[::-1] if form == "reversed" else str(a + b)


def line(a, b, form="plain"):
    """The fixed format of one problem with its answer."""
    return f"{prompt(a, b, form)} {answer(a, b, form)}"


def split(heldout_count, seed):
    """(held-out ordered pairs, training ordered pairs): `heldout_count` unordered pairs
    {a, b} are held out, each as one problem (a random order); neither order is trained."""
    rng = random.Random(seed)
    unordered = [(a, b) for a in range(LIMIT) for b in range(a, LIMIT)]
    rng.shuffle(unordered)
    held = unordered[:heldout_count]
    banned = {(a, b) for a, b in held} | {(b, a) for a, b in held}
    heldout = [(a, b) if rng.random() < 0.5 else (b, a) for a, b in held]
    train = [(a, b) for a in range(LIMIT) for b in range(LIMIT) if (a, b) not in banned]
    rng.shuffle(train)
    return heldout, train


def documents(train, copies, per_document, seed, form="plain"):
    rng = random.Random(seed * 7919 + 1)
    for copy in range(copies):
        order = train[:]
        rng.shuffle(order)
        for start in range(0, len(order), per_document):
            chunk = order[start:start + per_document]
            yield {"id": f"arith/{copy}/{start // per_document}", "text": "\n".join(line(a, b, form) for a, b in chunk)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", required=True)
    ap.add_argument("--heldout", required=True)
    ap.add_argument("--heldout-count", type=int, default=500)
    ap.add_argument("--copies", type=int, default=48)
    ap.add_argument("--per-document", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--format", choices=FORMATS, default="plain",
                    help="reversed: zero-padded operands, the sum least significant digit first; plain: `37 + 45 = 82`")
    a = ap.parse_args(argv)
    heldout, train = split(a.heldout_count, a.seed)
    write_jsonl(a.heldout, ({"prompt": prompt(x, y, a.format), "answer": answer(x, y, a.format), "a": x, "b": y,
                             "format": a.format} for x, y in heldout))
    docs = list(documents(train, a.copies, a.per_document, a.seed, a.format))
    write_jsonl(a.train, docs)
    print(f"{a.train}: {len(docs)} documents ({len(train)} problems x {a.copies}); "
          f"{a.heldout}: {len(heldout)} held-out problems (unordered pairs, neither order trained)")


if __name__ == "__main__":
    main()
