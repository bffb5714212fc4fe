#!/usr/bin/env python3
"""Issue 18.4: throughput of the Python shard reader (LimeIterableDataset) on one core,
next to a Megatron-style raw .bin/.idx pair (np.memmap) holding the same tokens, in the same run.

    python3 Pipelines/bench/bench_reader.py --lime .build/release/lime [--tokens 5000000]

Builds a dataset of at least --tokens tokens with `lime run` (real text repeated, fresh
document ids), writes the same token stream (documents + separator) as a Megatron
MMIDIDX .bin/.idx pair plus, for a like-for-like reference, three u8 .bin files for the
tags, then reads shuffled windows of --seq-len tokens (stride seq_len - 1) from each:

- lime: windows with tokens, tag, pos, ner as int64 arrays (section SHA-256 checked and
  zstd decoded as it goes), shuffled by the dataset's epoch order;
- megatron: windows of tokens from the memmapped .bin (int64 copies, as GPTDataset returns);
- megatron+tags: the same plus the three tag arrays from their memmapped .bin files.

Prints tokens/s (best of --rounds) and the ratios. Target: lime >= 5M tokens/s.
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "Pipelines", "python"))
from lime_shards import Dataset, LimeIterableDataset  # noqa: E402

FIXTURE = os.path.join(ROOT, "Tests", "LimeDataTests", "Fixtures", "real-text.jsonl")
SEP_TOKEN = 2
TAG_FIELDS = ("tag", "pos", "ner")


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def repeated_input(source, path, repeats):
    rows = [json.loads(line) for line in open(source, encoding="utf-8") if line.strip()]
    with open(path, "w", encoding="utf-8") as f:
        for k in range(repeats):
            for i, row in enumerate(rows):
                f.write(json.dumps({"id": f"r{k}/{row.get('id', i)}", "text": row["text"]}) + "\n")


def build(args):
    """The lime dataset (cached in --work when it already has enough tokens)."""
    os.makedirs(args.work, exist_ok=True)
    out = os.path.join(args.work, "shards-out")
    manifest = os.path.join(out, "manifest.json")
    stamp = os.path.join(args.work, "built-with.json")
    settings = {"input": os.path.abspath(args.input), "tokens": args.tokens, "unit_documents": args.unit_documents}
    if os.path.exists(manifest) and os.path.exists(stamp) and json.load(open(stamp)) == settings:
        return out
    tokenizer = args.tokenizer or os.path.join(args.work, "tok.model")
    if not args.tokenizer:
        run([args.lime, "tokenizer", "train", "--input", args.input, "--vocab-size", "2000", "--output", tokenizer])
    probe = os.path.join(args.work, "probe")
    shutil.rmtree(probe, ignore_errors=True)
    repeated_input(args.input, probe + ".jsonl", 1)
    run([args.lime, "run", "--input", probe + ".jsonl", "--output", probe, "--tokenizer", tokenizer])
    per_copy = json.load(open(os.path.join(probe, "manifest.json")))["tokens"]
    repeats = -(-args.tokens * 21 // 20 // per_copy)
    text = os.path.join(args.work, "input.jsonl")
    repeated_input(args.input, text, repeats)
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    run([args.lime, "run", "--input", text, "--output", out, "--tokenizer", tokenizer,
         "--unit-documents", str(args.unit_documents)])
    json.dump(settings, open(stamp, "w"))
    print(f"built: {repeats} copies of {os.path.basename(args.input)} -> "
          f"{json.load(open(manifest))['tokens']:,} tokens by lime run in {time.perf_counter() - t:.1f} s")
    return out


def write_megatron(dataset_dir, prefix):
    """Megatron's MMIDIDX format: .bin = every document's tokens then the end-of-document
    token, u16; .idx = magic, version, dtype code, counts, sizes (i32), pointers (i64),
    document index (i64). Tags in <prefix>.<field>.bin, same layout, u8."""
    sizes, streams = [], {f: [] for f in ("tokens",) + TAG_FIELDS}
    for doc in Dataset(dataset_dir).documents(fields=("tokens",) + TAG_FIELDS):
        sizes.append(len(doc["tokens"]) + 1)
        streams["tokens"] += [doc["tokens"].astype(np.uint16), np.array([SEP_TOKEN], np.uint16)]
        for f in TAG_FIELDS:
            streams[f] += [doc[f], np.array([2], np.uint8)]
    for f, parts in streams.items():
        name = prefix + (".bin" if f == "tokens" else f".{f}.bin")
        np.concatenate(parts).tofile(name)
    sizes = np.asarray(sizes, np.int32)
    pointers = np.concatenate([[0], np.cumsum(sizes[:-1].astype(np.int64) * 2)]).astype(np.int64)
    with open(prefix + ".idx", "wb") as f:
        f.write(b"MMIDIDX\x00\x00" + struct.pack("<QBQQ", 1, 8, len(sizes), len(sizes) + 1))
        f.write(sizes.tobytes() + pointers.tobytes() + np.arange(len(sizes) + 1, dtype=np.int64).tobytes())


def read_megatron_index(prefix):
    with open(prefix + ".idx", "rb") as f:
        head = f.read(9 + struct.calcsize("<QBQQ"))
        assert head[:9] == b"MMIDIDX\x00\x00"
        _, dtype_code, count, _ = struct.unpack("<QBQQ", head[9:])
        assert dtype_code == 8  # uint16
        sizes = np.frombuffer(f.read(4 * count), np.int32)
    return int(sizes.astype(np.int64).sum())


def bench_lime(out, seq_len, fields):
    ds = LimeIterableDataset(out, seq_len, stride=seq_len - 1, separator_token=SEP_TOKEN, fields=fields, seed=1)
    t = time.perf_counter()
    tokens = 0
    for sample in ds:
        tokens += len(sample["tokens"])
    return tokens, time.perf_counter() - t, ds.num_windows


def bench_megatron(prefix, seq_len, windows, with_tags):
    total = read_megatron_index(prefix)
    t = time.perf_counter()
    bins = {"tokens": np.memmap(prefix + ".bin", dtype=np.uint16, mode="r", shape=(total,))}
    if with_tags:
        for f in TAG_FIELDS:
            bins[f] = np.memmap(prefix + f".{f}.bin", dtype=np.uint8, mode="r", shape=(total,))
    order = np.random.default_rng(1).permutation(windows)
    stride = seq_len - 1
    tokens = 0
    for w in order.tolist():
        a = w * stride
        sample = {f: np.array(m[a:a + seq_len], dtype=np.int64) for f, m in bins.items()}
        tokens += len(sample["tokens"])
    return tokens, time.perf_counter() - t


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lime", default=os.path.join(ROOT, ".build", "release", "lime"))
    parser.add_argument("--input", default=FIXTURE, help="real text, JSONL with a text field (repeated)")
    parser.add_argument("--tokenizer", help="SentencePiece model (default: train a 2,000-piece one)")
    parser.add_argument("--work", default=os.path.join(ROOT, "bench-out", "reader"))
    parser.add_argument("--tokens", type=int, default=5_000_000)
    parser.add_argument("--seq-len", type=int, default=1025)
    parser.add_argument("--unit-documents", type=int,
                        help="documents per shard (default: the input's document count, at most 1024, so "
                             "that no shard holds a document twice and zstd sees no repeats)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--target", type=float, default=5e6, help="tokens/s the lime reader must reach")
    args = parser.parse_args()

    if args.unit_documents is None:
        args.unit_documents = min(1024, sum(1 for line in open(args.input, encoding="utf-8") if line.strip()))
    out = build(args)
    prefix = os.path.join(args.work, "megatron")
    write_megatron(out, prefix)
    cpu = sorted(os.sched_getaffinity(0))[0]
    os.sched_setaffinity(0, {cpu})  # one core for every reader
    m = json.load(open(os.path.join(out, "manifest.json")))
    print(f"dataset: {m['tokens']:,} tokens, {m['documents']:,} documents, {len(m['shards'])} shards "
          f"({sum(s['bytes'] for s in m['shards']) / 1e6:.1f} MB); megatron .bin "
          f"{os.path.getsize(prefix + '.bin') / 1e6:.1f} MB + tags {3 * os.path.getsize(prefix + '.tag.bin') / 1e6:.1f} MB; "
          f"windows of {args.seq_len}, one core (cpu {cpu}), best of {args.rounds}")
    fields = ("tokens",) + TAG_FIELDS
    best = {"lime": 0.0, "megatron": 0.0, "megatron+tags": 0.0}
    for _ in range(args.rounds):
        tokens, seconds, windows = bench_lime(out, args.seq_len, fields)
        best["lime"] = max(best["lime"], tokens / seconds)
        for name, tags in (("megatron", False), ("megatron+tags", True)):
            mt, ms = bench_megatron(prefix, args.seq_len, windows, tags)
            assert mt == tokens, (mt, tokens)
            best[name] = max(best[name], mt / ms)
    print(f"lime reader (tokens+tag+pos+ner, checksums, zstd): {best['lime'] / 1e6:8.2f} M tokens/s")
    print(f"megatron .bin/.idx memmap (tokens only):            {best['megatron'] / 1e6:8.2f} M tokens/s")
    print(f"megatron memmap + 3 tag .bin files:                 {best['megatron+tags'] / 1e6:8.2f} M tokens/s")
    print(f"ratio lime / megatron: {best['lime'] / best['megatron']:.2f}x; "
          f"lime / megatron+tags: {best['lime'] / best['megatron+tags']:.2f}x")
    ok = best["lime"] >= args.target
    print(f"target: lime >= {args.target / 1e6:.1f} M tokens/s: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
