"""LimeIterableDataset: shuffled, rank- and worker-split, resumable windows of a lime dataset.

The sample order (the contract; Pipelines/python/README.md says the same):

1. The stream. Documents are concatenated in manifest order (with `separator_token`, one
   position holding that token and tag/pos/ner `<sep>` goes between documents, exactly as
   `Dataset.windows`). Window w is stream[w*stride : w*stride + seq_len]; the last partial
   window is dropped. A window's home shard is the shard holding its first position.
2. The epoch order: a permutation of all windows, a pure function of (seed, epoch).
   The shards are permuted (numpy PCG64 seeded with [seed, epoch]), cut into groups of
   `shuffle_shards` consecutive shards of that permutation, and the windows of each group
   (the windows whose home shard is in it) are permuted (seeded with [seed, epoch, group]).
   Reading a group holds at most `shuffle_shards` + 1 decoded shards per worker.
   With `shuffle=False` the epoch order is the windows in stream order.
3. Ranks: contiguous blocks of the epoch order. With n windows and world size R, each rank
   gets per = n // R samples; rank r takes epoch positions r*per .. r*per + per - 1. The
   n mod R windows at the end of the epoch order are dropped (`dropped`), like
   DistributedSampler(drop_last=True). With `drop_last=False`, per = ceil(n / R) and the
   positions past the end wrap around to the start of the epoch order (`padded` repeats).
4. DataLoader workers: the rank's samples j = start, start+1, ... are dealt to the W workers
   in whole batches of `batch_size` (batch t = (j - start) // batch_size goes to worker
   t mod W). A DataLoader(batch_size=batch_size, num_workers=W) fetches batches from its
   workers round robin in order, so the loader yields the rank's samples in exactly the
   epoch order, whatever W is (0 = no workers, the same order).
5. Resume: the state is (seed, epoch, global count of consumed samples). A rank that has
   consumed c samples of the epoch has consumed epoch positions r*per .. r*per + c - 1;
   with every rank at c the global count is c * R. `load_state_dict` makes the next
   iteration start at rank-local sample c, so a job stopped after N samples and restarted
   yields exactly what the uninterrupted job would have yielded next. Every sample carries
   "sample" (its rank-local position j), so c = batch["sample"][-1] + 1 after a batch.
"""
import math

import numpy as np

from .format import ShardFormatError
from .reader import DEFAULT_FIELDS, Dataset, Shard
from .tagsets import SEP

try:  # torch is optional: without it the dataset is a plain iterable
    import torch as _torch
    from torch.utils.data import IterableDataset as _Base
    from torch.utils.data import get_worker_info as _worker_info
except ImportError:  # pragma: no cover - depends on the environment
    _torch = None
    _Base = object

    def _worker_info():
        return None

STATE_VERSION = 1


class _StreamIndex:
    """Where each shard's part of the stream starts, from the manifest (no shard is opened)."""

    def __init__(self, dataset, seq_len, stride, separator_token):
        starts, lengths, position, seen = [], [], 0, False
        self.documents_before = []  # whether an earlier shard holds a document (separator before ours)
        for entry in dataset.entries:
            self.documents_before.append(seen)
            documents, tokens = int(entry["documents"]), int(entry["tokens"])
            length = tokens
            if separator_token is not None and documents:
                length += documents - (0 if seen else 1)
            seen = seen or documents > 0
            starts.append(position)
            lengths.append(length)
            position += length
        self.starts = np.asarray(starts, dtype=np.int64)
        self.lengths = np.asarray(lengths, dtype=np.int64)
        self.total = position
        self.windows = (position - seq_len) // stride + 1 if position >= seq_len else 0
        # First window whose start lies in shard i: ceil(start_i / stride), capped.
        first = np.minimum(-(-self.starts // stride), self.windows)
        self.first_window = np.append(first, self.windows).astype(np.int64)

    def shard_of(self, position):
        return int(np.searchsorted(self.starts, position, side="right")) - 1


class LimeIterableDataset(_Base):
    """Windows of a lime dataset (a torch IterableDataset when torch imports).

    LimeIterableDataset(path, seq_len, rank=0, world_size=1, seed=0, shuffle=True,
                        stride=None, separator_token=None, fields=(tokens, tag, pos, ner, word_start),
                        batch_size=1, drop_last=True, shuffle_shards=4, dtype=np.int64,
                        return_tensors=False)

    Each sample is {"tokens", "tag", "pos", "ner", "word_start": arrays of seq_len (dtype,
    default int64; None keeps the stored u16/u32/u8), "window": window id, "sample": position
    of the sample in this rank's epoch}. `batch_size` must equal the DataLoader's batch size
    (1 when the DataLoader does not batch) for the order to be independent of the worker
    count. Do not use persistent_workers: set_epoch and load_state_dict reach the workers
    only when they are started for an epoch. The order contract is in the module docstring.
    """

    def __init__(self, path, seq_len, rank=0, world_size=1, seed=0, shuffle=True, stride=None,
                 separator_token=None, fields=DEFAULT_FIELDS, batch_size=1, drop_last=True,
                 shuffle_shards=4, dtype=np.int64, return_tensors=False):
        if seq_len <= 0:
            raise ValueError("seq_len must be positive")
        stride = seq_len if stride is None else stride
        if stride <= 0:
            raise ValueError("stride must be positive")
        if world_size <= 0 or not 0 <= rank < world_size:
            raise ValueError(f"rank {rank} is not in 0..{world_size - 1}")
        if batch_size <= 0 or shuffle_shards <= 0:
            raise ValueError("batch_size and shuffle_shards must be positive")
        if seed < 0:
            raise ValueError("seed must be non-negative")
        if return_tensors and _torch is None:
            raise ValueError("return_tensors needs torch")
        self.dataset = Dataset(path)
        self.seq_len, self.stride, self.separator_token = seq_len, stride, separator_token
        fields = tuple(fields)
        self.fields = fields if "tokens" in fields else ("tokens",) + fields
        self.rank, self.world_size, self.seed, self.shuffle = rank, world_size, seed, shuffle
        self.batch_size, self.drop_last, self.shuffle_shards = batch_size, drop_last, shuffle_shards
        self.dtype, self.return_tensors = dtype, return_tensors
        self.index = _StreamIndex(self.dataset, seq_len, stride, separator_token)
        n, r = self.index.windows, world_size
        self.per_rank = n // r if drop_last else -(-n // r)
        self.dropped = n - self.per_rank * r if drop_last else 0
        self.padded = self.per_rank * r - n if not drop_last else 0
        self.epoch = 0
        self._start = 0   # rank-local sample the next iteration starts at (resume)
        self._next = 0    # rank-local samples handed out by an iteration in this process
        self._cache = {}  # shard index -> stream arrays (at most shuffle_shards + 1)

    # -- epoch, state --------------------------------------------------------------------

    @property
    def num_windows(self):
        return self.index.windows

    def __len__(self):
        """Samples the next iteration yields on this rank (all workers together)."""
        return self.per_rank - self._start

    def set_epoch(self, epoch):
        """Select the epoch (its order); moving to another epoch starts it at its first sample."""
        if epoch < 0:
            raise ValueError("epoch must be non-negative")
        if epoch != self.epoch:
            self.epoch, self._start, self._next = epoch, 0, 0

    def state_dict(self, consumed=None):
        """{"seed", "epoch", "consumed": global count, ...}. `consumed` is the number of
        samples this rank has taken in the current epoch, counting those before a resume
        (with DataLoader workers pass it: batch["sample"][-1] + 1, or steps x batch size);
        by default the count of samples handed out by an iteration in this process."""
        c = self._next if consumed is None else int(consumed)
        if not 0 <= c <= self.per_rank:
            raise ValueError(f"consumed {c} is outside 0..{self.per_rank}")
        return {"version": STATE_VERSION, "seed": self.seed, "epoch": self.epoch,
                "consumed": c * self.world_size, "world_size": self.world_size,
                "seq_len": self.seq_len, "stride": self.stride, "shuffle": self.shuffle,
                "shuffle_shards": self.shuffle_shards, "num_windows": self.num_windows,
                "drop_last": self.drop_last}

    def load_state_dict(self, state):
        """Continue where `state` was taken: the next iteration yields the samples that
        would have come next. The order settings must be the same."""
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported state version {state.get('version')}")
        for key in ("seed", "seq_len", "stride", "shuffle", "shuffle_shards", "world_size",
                    "num_windows", "drop_last"):
            if state[key] != getattr(self, key):
                raise ValueError(f"state has {key}={state[key]!r}, this dataset {getattr(self, key)!r}")
        consumed = int(state["consumed"])
        if consumed % self.world_size:
            raise ValueError(f"consumed {consumed} is not a multiple of world_size {self.world_size}")
        self.epoch = int(state["epoch"])
        self._start = self._next = consumed // self.world_size
        if self._start > self.per_rank:
            raise ValueError(f"consumed {consumed} exceeds the epoch")

    # -- the epoch order -----------------------------------------------------------------

    def _groups(self, epoch):
        """Shard groups of the epoch (lists of shard indices) and their first epoch positions."""
        shards = len(self.index.starts)
        if self.shuffle:
            order = np.random.default_rng([self.seed, epoch]).permutation(shards)
            size = self.shuffle_shards
        else:
            order, size = np.arange(shards), max(shards, 1)
        groups = [order[g:g + size] for g in range(0, shards, size)]
        fw = self.index.first_window
        counts = [int((fw[g + 1] - fw[g]).sum()) for g in groups]
        return groups, np.cumsum([0] + counts).astype(np.int64)

    def _group_windows(self, epoch, number, shards):
        fw = self.index.first_window
        ids = np.concatenate([np.arange(fw[i], fw[i + 1]) for i in shards]) if len(shards) else \
            np.zeros(0, np.int64)
        if self.shuffle:
            ids = np.random.default_rng([self.seed, epoch, number]).permutation(ids)
        return ids

    def epoch_order(self, epoch=None):
        """All window ids of an epoch in the epoch order (for tests and inspection)."""
        epoch = self.epoch if epoch is None else epoch
        groups, _ = self._groups(epoch)
        parts = [self._group_windows(epoch, g, shards) for g, shards in enumerate(groups)]
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    def rank_positions(self, start=None):
        """Epoch positions of this rank's samples from rank-local sample `start` on."""
        start = self._start if start is None else start
        j = np.arange(start, self.per_rank, dtype=np.int64)
        n = self.num_windows
        return (self.rank * self.per_rank + j) % n if n else j

    # -- reading -------------------------------------------------------------------------

    def _open(self, i):
        path = self.dataset.shard_paths[i]
        entry = self.dataset.entries[i]
        shard = Shard(path)
        if (shard.documents, shard.tokens) != (int(entry["documents"]), int(entry["tokens"])):
            raise ShardFormatError(path, "header", f"{shard.documents} documents / {shard.tokens} "
                                   f"tokens, manifest says {entry['documents']} / {entry['tokens']}")
        return shard

    def _with_separators(self, i, shard, arrays):
        if self.separator_token is None or not shard.documents:
            return arrays
        offsets = shard.doc_offsets()
        starts = offsets[0 if self.index.documents_before[i] else 1:-1].astype(np.int64)
        starts = starts[starts <= len(arrays["tokens"])]
        if not len(starts):
            return arrays
        total = len(arrays["tokens"]) + len(starts)
        separators = starts + np.arange(len(starts))  # where the separators land
        keep = np.ones(total, dtype=bool)
        keep[separators] = False
        out = {}
        for f, arr in arrays.items():
            value = self.separator_token if f == "tokens" else (1 if f == "word_start" else SEP)
            merged = np.empty(total, dtype=arr.dtype)
            merged[separators] = value
            merged[keep] = arr
            out[f] = merged
        return out

    def _stream(self, i):
        """Shard i's part of the stream (dict of arrays), decoded once, kept in an LRU cache
        of shuffle_shards + 1 shards."""
        if i in self._cache:
            arrays = self._cache.pop(i)
            self._cache[i] = arrays
            return arrays
        shard = self._open(i)
        arrays = self._with_separators(i, shard, {f: shard.read(f) for f in self.fields})
        if len(arrays["tokens"]) != self.index.lengths[i]:
            raise ShardFormatError(shard.path, "header", "stream length differs from the manifest's counts")
        shard.release()
        if len(self._cache) > self.shuffle_shards:
            self._cache.pop(next(iter(self._cache)))
        self._cache[i] = arrays
        return arrays

    def _head(self, i, n):
        """The first n stream positions of shard i, decompressing only what they need when
        the shard is not cached (a window that crosses into shard i)."""
        if i in self._cache:
            return {f: arr[:n] for f, arr in self._cache[i].items()}
        shard = self._open(i)
        arrays = self._with_separators(i, shard, {f: shard.read_prefix(f, n) for f in self.fields})
        if len(arrays["tokens"]) < min(n, self.index.lengths[i]):
            raise ShardFormatError(shard.path, "header", "stream length differs from the manifest's counts")
        return {f: arr[:n] for f, arr in arrays.items()}

    def window(self, w):
        """Window w (dict of field arrays, converted to `dtype`)."""
        a = int(w) * self.stride
        b = a + self.seq_len
        i = self.index.shard_of(a)
        stream = self._stream(i)
        lo = a - int(self.index.starts[i])
        if lo + self.seq_len <= len(stream["tokens"]):
            parts = {f: stream[f][lo:lo + self.seq_len] for f in self.fields}
        else:
            pieces = {f: [stream[f][lo:]] for f in self.fields}
            position = int(self.index.starts[i]) + int(self.index.lengths[i])
            while position < b:
                i += 1
                stream = self._head(i, b - position)
                take = len(stream["tokens"])
                for f in self.fields:
                    pieces[f].append(stream[f][:take])
                position += take
            parts = {f: np.concatenate(p) for f, p in pieces.items()}
        if self.dtype is not None:
            return {f: arr.astype(self.dtype) for f, arr in parts.items()}
        return {f: arr.copy() for f, arr in parts.items()}

    def __iter__(self):
        info = _worker_info()
        workers, worker = (1, 0) if info is None else (info.num_workers, info.id)
        start, epoch = self._start, self.epoch
        groups, group_starts = self._groups(epoch)
        positions = self.rank_positions(start)
        local = np.arange(start, self.per_rank, dtype=np.int64)
        mine = ((local - start) // self.batch_size) % workers == worker
        current, windows = -1, None
        for j, k in zip(local[mine].tolist(), positions[mine].tolist()):
            g = int(np.searchsorted(group_starts, k, side="right")) - 1
            if g != current:
                current, windows = g, self._group_windows(epoch, g, groups[g])
            w = int(windows[k - group_starts[g]])
            sample = self.window(w)
            if self.return_tensors:
                sample = {f: _torch.from_numpy(arr) for f, arr in sample.items()}
            sample["window"] = w
            sample["sample"] = j
            if info is None:
                self._next = j + 1
            yield sample


def hf_generator(path, seq_len, **options):
    """A generator function for `datasets.IterableDataset.from_generator(hf_generator,
    gen_kwargs={"path": ..., "seq_len": ...})`: the same samples as LimeIterableDataset
    (rank and epoch as options), arrays as lists for Arrow."""
    dataset = LimeIterableDataset(path, seq_len, **options)
    for sample in dataset:
        yield {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in sample.items()}


def hf_dataset(path, seq_len, **options):
    """A Hugging Face `datasets.IterableDataset` of the same samples (needs `datasets`)."""
    import datasets
    return datasets.IterableDataset.from_generator(
        hf_generator, gen_kwargs={"path": str(path), "seq_len": seq_len, **options})


__all__ = ["LimeIterableDataset", "hf_generator", "hf_dataset"]
