#!/usr/bin/env python3
"""Compares `lime pretokenize` with spaCy's English tokenizer on the same real text, in
the same run: token F1 on UTF-8 byte spans (whitespace tokens included) and tokens/s of
each on one core.

Usage: python3 Pipelines/bench/pretokenize_bench.py [--lime .build/release/lime] [--repeats 3]
Corpora: UD EWT dev and train raw sentences (one document each), the Debian handbook (one
document per page, whitespace kept) and, with --fuzz N, N random strings built from tricky
pieces (URLs, contractions, emoticons, units, odd whitespace). Prints one JSON line per corpus.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

import spacy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pretokenize_corpus import ewt_sentences, handbook_documents  # noqa: E402


def byte_spans(text, doc):
    offsets = [0]
    for ch in text:
        offsets.append(offsets[-1] + len(ch.encode("utf-8")))
    return [(offsets[t.idx], offsets[t.idx + len(t.text)]) for t in doc]


def spacy_run(nlp, docs, repeats):
    """spaCy's tokenizer over all documents: the fastest pass (its cache warm) in wall-clock
    and in CPU seconds, and the docs."""
    best, best_cpu, out = float("inf"), float("inf"), None
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.thread_time()
        out = [nlp.tokenizer(d) for d in docs]
        best_cpu = min(best_cpu, time.thread_time() - start_cpu)
        best = min(best, time.perf_counter() - start)
    return best, best_cpu, out


def lime_run(lime, docs, repeats, workdir):
    source = os.path.join(workdir, "docs.jsonl")
    target = os.path.join(workdir, "spans.jsonl")
    with open(source, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps({"text": d}) + "\n")
    result = subprocess.run([lime, "pretokenize", "--input", source, "--output", target,
                             "--repeats", str(repeats)], check=True, capture_output=True, text=True)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    with open(target, encoding="utf-8") as f:
        spans = [[tuple(s) for s in json.loads(line)] for line in f]
    return report["seconds"], report["cpu_seconds"], spans


FUZZ_PIECES = list("aAbZ09.,:;-/@'\"()[]$%+*^_~#?!&=<>…—–’“”°é ") + [
    "\n", "  ", "http://", "www.", ".com", "n't", "'s", "U.S.", "e.g.", ":)", "km", "US$", "\u00a0",
    "\t", "😀", "ಠ", "Ä", "²", "1.2.3.4", "192.168.", "Mr.", "a.m."]


def fuzz_documents(count, seed=1):
    rng = random.Random(seed)
    return ["".join(rng.choice(FUZZ_PIECES) for _ in range(rng.randint(1, 30))) for _ in range(count)]


def compare(name, docs, nlp, lime, repeats, workdir, show):
    spacy_seconds, spacy_cpu, spacy_docs = spacy_run(nlp, docs, repeats)
    lime_seconds, lime_cpu, lime_spans = lime_run(lime, docs, repeats, workdir)
    assert len(lime_spans) == len(docs)
    tp = fp = fn = differing = 0
    for text, doc, ours in zip(docs, spacy_docs, lime_spans):
        ref, mine = set(byte_spans(text, doc)), set(ours)
        tp += len(ref & mine)
        fp += len(mine - ref)
        fn += len(ref - mine)
        if ref != mine:
            differing += 1
            if show > 0:
                show -= 1
                raw = text.encode("utf-8")
                print("  differs:", repr(text[:120]), "ours-only",
                      [raw[s:e].decode() for s, e in sorted(mine - ref)][:8], "spacy-only",
                      [raw[s:e].decode() for s, e in sorted(ref - mine)][:8], file=sys.stderr)
    tokens = sum(len(d) for d in spacy_docs)
    lime_tokens = sum(len(s) for s in lime_spans)
    precision = tp / max(1, tp + fp)
    recall = tp / max(1, tp + fn)
    f1 = 2 * precision * recall / max(1e-12, precision + recall)
    return {
        "corpus": name, "documents": len(docs), "bytes": sum(len(d.encode()) for d in docs),
        "spacy_tokens": tokens, "differing_documents": differing,
        "precision": round(precision, 6), "recall": round(recall, 6), "f1": round(f1, 6),
        "spacy_tokens_per_second": round(tokens / spacy_seconds),
        "lime_tokens_per_second": round(lime_tokens / lime_seconds),
        "speed_ratio": round((lime_tokens / lime_seconds) / (tokens / spacy_seconds), 2),
        "spacy_tokens_per_cpu_second": round(tokens / spacy_cpu),
        "lime_tokens_per_cpu_second": round(lime_tokens / lime_cpu),
        "cpu_speed_ratio": round((lime_tokens / lime_cpu) / (tokens / spacy_cpu), 2),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lime", default=".build/release/lime")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--show", type=int, default=5, help="differing documents to print")
    parser.add_argument("--fuzz", type=int, default=0, help="random tricky strings to compare too")
    args = parser.parse_args()
    nlp = spacy.blank("en")
    corpora = [("ewt-dev", ewt_sentences("dev")), ("ewt-train", ewt_sentences("train")),
               ("debian-handbook", handbook_documents())]
    if args.fuzz:
        corpora.append(("fuzz", fuzz_documents(args.fuzz)))
    with tempfile.TemporaryDirectory() as workdir:
        for name, docs in corpora:
            print(json.dumps(compare(name, docs, nlp, args.lime, args.repeats, workdir, args.show)), flush=True)


if __name__ == "__main__":
    main()
