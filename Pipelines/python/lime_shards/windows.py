"""Fixed-length windows over a run of shards, in stream order (see loader.py for the dataset)."""
import numpy as np

from .reader import DEFAULT_FIELDS, Shard
from .tagsets import SEP

def _shard_stream(shard, fields, separator_token, leading_separator):
    """The shard's fields concatenated, with one separator before every document
    (except the first of the whole stream) when `separator_token` is given."""
    arrays = {f: shard.read(f) for f in fields}
    if separator_token is None:
        return arrays
    offsets = shard.doc_offsets()
    starts = offsets[0 if leading_separator else 1:-1].astype(np.int64)
    out = {}
    for f, arr in arrays.items():
        value = separator_token if f == "tokens" else (1 if f == "word_start" else SEP)
        out[f] = np.insert(arr, starts, np.asarray(value, dtype=arr.dtype)) if len(starts) else arr
    return out


def windows(shard_paths, length, stride=None, separator_token=None, fields=DEFAULT_FIELDS):
    """Yield dicts of `length`-long arrays, one per window, `stride` (default `length`) apart.

    Documents are concatenated in shard order; with `separator_token` set, one position
    between consecutive documents holds that token id, tag/pos/ner `<sep>` (2) and
    word_start 1. A final window shorter than `length` is dropped.
    """
    if length <= 0:
        raise ValueError("window length must be positive")
    stride = length if stride is None else stride
    if stride <= 0:
        raise ValueError("stride must be positive")
    fields = tuple(fields)
    if "tokens" not in fields:
        fields = ("tokens",) + fields
    buffer = {f: None for f in fields}
    skip = 0          # tokens still to drop before the next window starts (stride > length)
    seen_document = False
    for path in shard_paths:
        shard = Shard(path)
        if shard.documents == 0:
            continue
        stream = _shard_stream(shard, fields, separator_token, leading_separator=seen_document)
        seen_document = True
        shard.release()
        for f in fields:
            buffer[f] = stream[f] if buffer[f] is None else np.concatenate([buffer[f], stream[f]])
        n = len(buffer["tokens"])
        start = skip
        while start + length <= n:
            yield {f: buffer[f][start:start + length] for f in fields}
            start += stride
        skip = max(0, start - n)
        for f in fields:
            buffer[f] = buffer[f][min(start, n):]


__all__ = ["windows"]
