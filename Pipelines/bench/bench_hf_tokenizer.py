#!/usr/bin/env python3
"""Benchmark: lime's native tokenizer.json BPE (HFTokenizer) against Hugging Face
`tokenizers` (Rust, one thread) on the same documents, in the same run.

  python3 Pipelines/bench/bench_hf_tokenizer.py [--lime .build/release/lime] \
      [--input data/corpus/bible.jsonl] [--tokenizer tokenizer.json] [--style gpt2|llama3]

Without --tokenizer a byte-level BPE (vocabulary --vocab) is trained on the input with
`tokenizers`. Without --input, data/corpus/bible.jsonl is used if present, else a corpus
is gathered from the plain-text files under /usr/share/doc. The Swift side runs
`LIME tokenizer encode-bench --tokenizer F --input F` (or --swift-command, any program
taking the tokenizer and input paths as its last two arguments), which prints one JSON line:
  {"documents": N, "bytes": N, "tokens": N, "id_sum": N, "seconds": S, "tokens_per_second": R}
(HFTokenizer.benchmark(...).jsonLine). Both sides must agree on tokens and id_sum.
Prints one JSON line per side and the ratio lime / tokenizers.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

from tokenizers import Regex, Tokenizer, models, pre_tokenizers, trainers  # noqa: E402

LLAMA3 = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
          r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def gather_docs(out, limit_bytes=8 << 20):
    """Plain-text files under /usr/share/doc, one paragraph per document."""
    total = 0
    with open(out, "w", encoding="utf-8") as g:
        for directory, _, files in sorted(os.walk("/usr/share/doc")):
            for name in sorted(files):
                if name.endswith((".gz", ".html", ".png", ".svg", ".js", ".css")):
                    continue
                try:
                    with open(os.path.join(directory, name), encoding="utf-8") as f:
                        text = f.read()
                except (UnicodeDecodeError, OSError):
                    continue
                # U+FEFF is dropped here: Foundation's JSONSerialization (the Swift side's
                # reader) does not keep it inside strings, so the two sides would differ.
                for paragraph in text.replace("\ufeff", "").split("\n\n"):
                    if paragraph.strip():
                        g.write(json.dumps({"text": paragraph}, ensure_ascii=False) + "\n")
                        total += len(paragraph.encode())
                if total >= limit_bytes:
                    return


def read_docs(path):
    docs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            docs.append(json.loads(line)["text"] if path.endswith(".jsonl") else line.rstrip("\n"))
    return docs


def train(docs, out, style, vocab):
    tokenizer = Tokenizer(models.BPE(ignore_merges=(style == "llama3")))
    if style == "llama3":
        tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(LLAMA3), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    else:
        tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(vocab_size=vocab, special_tokens=["<|endoftext|>"], show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train_from_iterator(docs, trainer)
    tokenizer.save(out)


def bench_tokenizers(path, docs):
    tokenizer = Tokenizer.from_file(path)  # fresh: cold word cache, like the Swift side
    start = time.perf_counter()
    encodings = tokenizer.encode_batch(docs, add_special_tokens=False)
    seconds = time.perf_counter() - start
    tokens = sum(len(e.ids) for e in encodings)
    id_sum = sum(sum(e.ids) for e in encodings) % (1 << 64)
    return {"side": "tokenizers", "documents": len(docs), "bytes": sum(len(d.encode()) for d in docs),
            "tokens": tokens, "id_sum": id_sum, "seconds": seconds, "tokens_per_second": tokens / seconds}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lime", default=os.path.join(ROOT, ".build/release/lime"))
    parser.add_argument("--swift-command", help="instead of `lime tokenizer encode-bench`, e.g. a bench binary")
    parser.add_argument("--input")
    parser.add_argument("--tokenizer")
    parser.add_argument("--style", choices=["gpt2", "llama3"], default="gpt2")
    parser.add_argument("--vocab", type=int, default=32000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per side; the best is reported")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="lime-hf-bench-")
    data = args.input or os.path.join(ROOT, "data/corpus/bible.jsonl")
    if not os.path.exists(data):
        data = os.path.join(work, "docs.jsonl")
        gather_docs(data)
    docs = read_docs(data)
    tokenizer = args.tokenizer
    if not tokenizer:
        tokenizer = os.path.join(work, f"tokenizer-{args.style}.json")
        train(docs, tokenizer, args.style, args.vocab)

    rust = min((bench_tokenizers(tokenizer, docs) for _ in range(args.repeat)), key=lambda r: r["seconds"])
    command = args.swift_command.split() if args.swift_command else [args.lime, "tokenizer", "encode-bench"]
    if not args.swift_command:
        command += ["--tokenizer", tokenizer, "--input", data]
    else:
        command += [tokenizer, data]
    runs = []
    for _ in range(args.repeat):
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"{' '.join(command)} failed: {result.stderr.strip()}")
        runs.append(json.loads(result.stdout.strip().splitlines()[-1]))
    swift = min(runs, key=lambda r: r["seconds"])
    swift["side"] = "lime"
    print(json.dumps(rust))
    print(json.dumps(swift))
    agree = swift["tokens"] == rust["tokens"] and swift["id_sum"] == rust["id_sum"]
    print(json.dumps({"input": data, "tokenizer": tokenizer, "style": args.style, "identical_ids_checksum": agree,
                      "ratio_lime_over_tokenizers": swift["tokens_per_second"] / rust["tokens_per_second"]}))
    if not agree:
        sys.exit("lime and tokenizers disagree on the tokens (count or id checksum)")


if __name__ == "__main__":
    main()
