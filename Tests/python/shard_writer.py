"""An independent lime shard writer for tests, written from Schemas/shard-format.md."""
import hashlib
import json
import os
import struct

import numpy as np
import zstandard

MAGIC = b"LIMESHRD"


def _frame(raw):
    return zstandard.ZstdCompressor(level=3, write_content_size=True, write_checksum=True).compress(raw)


def shard_bytes(docs, vocab_size=8000, tokenizer_sha=b"\x11" * 32, tagsets_sha=b"\x22" * 32,
                doc_offsets=None):
    """docs: list of dicts with id, tokens, tag, pos, ner, word_start (sequences of ints).

    Each section's count is its own array's length; `doc_offsets` overrides the offsets
    (both only so that tests can build inconsistent shards)."""
    u32 = vocab_size > 65536
    cat = lambda key, dt: np.asarray([x for d in docs for x in d[key]], dtype=dt)  # noqa: E731
    tokens = cat("tokens", "<u4" if u32 else "<u2")
    offsets = np.cumsum([0] + [len(d["tokens"]) for d in docs]).astype("<u8")
    if doc_offsets is not None:
        offsets = np.asarray(doc_offsets, dtype="<u8")
    ids = "".join(d["id"] + "\n" for d in docs).encode("utf-8")
    sections = [
        (1, 4 if u32 else 2, len(tokens), tokens.tobytes()),
        *[(kind, 1, len(cat(key, np.uint8)), cat(key, np.uint8).tobytes())
          for kind, key in ((2, "tag"), (3, "pos"), (4, "ner"), (5, "word_start"))],
        (6, 8, len(offsets), offsets.tobytes()),
        (7, 1, len(ids), ids),
    ]
    payloads = [_frame(raw) for *_, raw in sections]
    header = struct.pack("<8sIIQQ32s32sII16s", MAGIC, 1, 1 if u32 else 0, len(docs), len(tokens),
                         tokenizer_sha, tagsets_sha, len(sections), vocab_size, bytes(16))
    header += hashlib.sha256(header).digest()[:8]
    offset = 128 + 64 * len(sections)
    table = b""
    for (kind, size, count, _), payload in zip(sections, payloads):
        table += struct.pack("<IIQQQ32s", kind, size, count, offset, len(payload),
                             hashlib.sha256(payload).digest())
        offset += len(payload)
    return header + table + b"".join(payloads)


def write_dataset(directory, shards, vocab_size=8000, **options):
    """Write shards (lists of docs) and manifest.json; returns the shard paths."""
    os.makedirs(os.path.join(directory, "shards"), exist_ok=True)
    entries, paths = [], []
    for i, docs in enumerate(shards):
        data = shard_bytes(docs, vocab_size, **options)
        name = f"shard-00000-{i:06d}.lime"
        with open(os.path.join(directory, "shards", name), "wb") as f:
            f.write(data)
        paths.append(os.path.join(directory, "shards", name))
        entries.append({"file": name, "documents": len(docs),
                        "tokens": sum(len(d["tokens"]) for d in docs),
                        "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    manifest = {"format": "lime-shards", "version": 1,
                "tokenizer": {"file": "tok.model", "sha256": ("11" * 32), "vocab_size": vocab_size, "mode": "lime"},
                "tagsets_sha256": "22" * 32, "annotator": {"name": "test"},
                "documents": sum(e["documents"] for e in entries),
                "tokens": sum(e["tokens"] for e in entries), "quarantined": 0, "shards": entries}
    with open(os.path.join(directory, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
    return paths


def random_docs(rng, count, prefix, vocab_size=8000, max_len=40):
    docs = []
    for i in range(count):
        n = int(rng.integers(0, max_len))
        ws = rng.integers(0, 2, n).tolist()
        if n:
            ws[0] = 1
        docs.append({"id": f"{prefix}/doc-{i}-é", "tokens": rng.integers(0, vocab_size, n).tolist(),
                     "tag": rng.integers(3, 53, n).tolist(), "pos": rng.integers(3, 21, n).tolist(),
                     "ner": rng.integers(3, 40, n).tolist(), "word_start": ws})
    return docs
