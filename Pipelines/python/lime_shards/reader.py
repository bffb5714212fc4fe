"""Reading and verifying lime shards and the manifest of a pipeline output directory."""
import hashlib
import json
import os
import threading

import numpy as np
import zstandard

from .format import (DOC_IDS, DOC_OFFSETS, ENTRY_SIZE, HEADER_SIZE, KIND_NAMES, KINDS,
                     TOKEN_SECTIONS, TOKENS, ShardError, ShardFormatError, parse_header, parse_sections)

_local = threading.local()


def _decompressor():
    """One ZstdDecompressor per thread (making one costs more than decoding a small frame)."""
    d = getattr(_local, "decompressor", None)
    if d is None:
        d = _local.decompressor = zstandard.ZstdDecompressor()
    return d


DTYPES = {1: np.uint8, 2: np.dtype("<u2"), 4: np.dtype("<u4"), 8: np.dtype("<u8")}
DEFAULT_FIELDS = ("tokens", "tag", "pos", "ner", "word_start")


class Shard:
    """One shard file: header, section table and layout checked on open; sections decoded on
    demand, each after its SHA-256 is checked. Corruption raises ShardFormatError."""

    def __init__(self, path):
        self.path = path
        try:
            with open(path, "rb") as f:
                self._data = f.read()
        except OSError as exc:
            raise ShardError(f"{path}: cannot read shard ({exc.strerror})") from exc
        self.header = parse_header(self._data, path)
        self.sections = {s.kind: s for s in parse_sections(self._data, self.header, path)}
        missing = [KIND_NAMES[k] for k in KIND_NAMES if k not in self.sections]
        if missing:
            raise ShardFormatError(path, "section table", f"missing sections {missing}")
        unknown = [k for k in self.sections if k not in KIND_NAMES]
        if unknown:
            raise ShardFormatError(path, "section table", f"unknown section kinds {unknown}")
        self._check_layout()
        self._cache = {}

    @property
    def documents(self):
        return self.header.documents

    @property
    def tokens(self):
        return self.header.tokens

    def sha256(self):
        return hashlib.sha256(self._data).hexdigest()

    def size(self):
        return len(self._data)

    def _fail(self, section, problem):
        raise ShardFormatError(self.path, section, problem)

    def _check_layout(self):
        """Payloads are contiguous after the table, within the file, ending at its end
        (so any truncation is found on open)."""
        cursor = HEADER_SIZE + ENTRY_SIZE * len(self.sections)
        for kind in sorted(self.sections):
            s = self.sections[kind]
            if s.offset != cursor:
                self._fail(f"section {s.name}", f"starts at {s.offset}, expected {cursor}")
            cursor = s.offset + s.length
            if cursor > len(self._data):
                self._fail(f"section {s.name}", f"runs past the end of the file "
                                                f"({cursor} > {len(self._data)} bytes; truncated?)")
        if cursor != len(self._data):
            self._fail("layout", f"{len(self._data) - cursor} unexpected bytes after the last section")

    def _checked_payload(self, kind):
        s = self.sections[kind]
        where = f"section {s.name}"
        end = s.offset + s.length
        if end > len(self._data):
            self._fail(where, "runs past the end of the file (truncated?)")
        payload = self._data[s.offset:end]
        if hashlib.sha256(payload).digest() != s.sha256:
            self._fail(where, "SHA-256 mismatch (corrupted payload)")
        expected_size = {TOKENS: self.header.token_size}.get(kind, 8 if kind == DOC_OFFSETS else 1)
        if s.element_size != expected_size:
            self._fail(where, f"element size {s.element_size}, expected {expected_size}")
        if kind in TOKEN_SECTIONS and s.count != self.tokens:
            self._fail(where, f"has {s.count} elements, header says {self.tokens} tokens")
        return s, where, payload

    def read_prefix(self, name, count):
        """The first `count` elements of a section: its SHA-256 and sizes are checked as by
        read(), but only the start of the frame is decompressed (so the frame's end is not)."""
        kind = KINDS[name] if isinstance(name, str) else name
        if kind in self._cache:
            return self._cache[kind][:count]
        s, where, payload = self._checked_payload(kind)
        count = min(count, s.count)
        try:
            with _decompressor().stream_reader(payload) as reader:
                raw = reader.read(count * s.element_size)
        except zstandard.ZstdError as exc:
            raise ShardFormatError(self.path, where, f"zstd error: {exc}") from exc
        if len(raw) != count * s.element_size:
            self._fail(where, f"decompressed to fewer than {count} elements")
        return np.frombuffer(raw, dtype=DTYPES[s.element_size])

    def read(self, name):
        """Decode one section (by name or kind) after checking its SHA-256 and size."""
        kind = KINDS[name] if isinstance(name, str) else name
        if kind in self._cache:
            return self._cache[kind]
        s, where, payload = self._checked_payload(kind)
        expected = s.count * s.element_size
        try:
            d = _decompressor().decompressobj()
            raw = d.decompress(payload)
            complete = d.eof
            trailing = d.unused_data
        except zstandard.ZstdError as exc:
            raise ShardFormatError(self.path, where, f"zstd error: {exc}") from exc
        if not complete or trailing:
            self._fail(where, "payload is not exactly one complete zstd frame")
        if len(raw) != expected:
            self._fail(where, f"decompressed to {len(raw)} bytes, expected {expected} "
                              f"({s.count} x {s.element_size})")
        array = np.frombuffer(raw, dtype=DTYPES[s.element_size])
        self._cache[kind] = array
        return array

    def doc_ids(self):
        raw = self.read(DOC_IDS).tobytes()
        where = "section doc_ids"
        if raw and not raw.endswith(b"\n"):
            self._fail(where, "does not end with a newline")
        try:
            ids = raw.decode("utf-8").split("\n")[:-1] if raw else []
        except UnicodeDecodeError as exc:
            raise ShardFormatError(self.path, where, f"not UTF-8 ({exc})") from exc
        if len(ids) != self.documents:
            self._fail(where, f"has {len(ids)} ids for {self.documents} documents")
        return ids

    def doc_offsets(self):
        offsets = self.read(DOC_OFFSETS)
        where = "section doc_offsets"
        if len(offsets) != self.documents + 1:
            self._fail(where, f"doc_offsets has {len(offsets)} entries, expected {self.documents + 1}")
        if offsets[0] != 0 or offsets[-1] != self.tokens:
            self._fail(where, f"doc_offsets must run from 0 to the token count "
                              f"{self.tokens}, found {offsets[0]}..{offsets[-1]}")
        if np.any(offsets[1:] < offsets[:-1]):
            self._fail(where, "doc_offsets decreases")
        return offsets

    def verify(self):
        """Every check of the format on this shard (layout, sections, counts, offsets, ids)."""
        self._check_layout()
        for kind in TOKEN_SECTIONS:
            if self.sections[kind].count != self.tokens:
                self._fail(f"section {KIND_NAMES[kind]}", f"has {self.sections[kind].count} "
                                                          f"elements, header says {self.tokens} tokens")
        for kind in sorted(self.sections):
            self.read(kind)
        self.doc_offsets()
        self.doc_ids()
        tokens = self.read(TOKENS)
        if self.header.vocab_size and len(tokens) and int(tokens.max()) >= self.header.vocab_size:
            self._fail("section tokens", f"token id {int(tokens.max())} >= vocabulary size {self.header.vocab_size}")

    def documents_iter(self, fields=DEFAULT_FIELDS):
        """Yield {"id", <field>: array, ...} per document."""
        offsets = self.doc_offsets()
        ids = self.doc_ids()
        arrays = {f: self.read(f) for f in fields}
        for i, doc_id in enumerate(ids):
            a, b = int(offsets[i]), int(offsets[i + 1])
            yield {"id": doc_id, **{f: arr[a:b] for f, arr in arrays.items()}}

    def release(self):
        """Drop decoded sections (memory) and keep only the raw file bytes."""
        self._cache.clear()


class Dataset:
    """A pipeline output directory: `manifest.json` plus its shards, in manifest order."""

    def __init__(self, path):
        self.path = path
        manifest_path = os.path.join(path, "manifest.json")
        try:
            with open(manifest_path, encoding="utf-8") as f:
                self.manifest = json.load(f)
        except OSError as exc:
            raise ShardError(f"{manifest_path}: cannot read manifest ({exc.strerror})") from exc
        except json.JSONDecodeError as exc:
            raise ShardError(f"{manifest_path}: line {exc.lineno}: not valid JSON ({exc.msg})") from exc
        if self.manifest.get("format") != "lime-shards" or self.manifest.get("version") != 1:
            raise ShardError(f"{manifest_path}: not a lime-shards version 1 manifest")
        try:
            self.entries = list(self.manifest["shards"])
            self.shard_paths = [os.path.join(path, "shards", e["file"]) for e in self.entries]
        except (KeyError, TypeError) as exc:
            raise ShardError(f"{manifest_path}: malformed shard list ({exc})") from exc
        self.manifest_path = manifest_path
        try:
            counts = [int(e["documents"]) for e in self.entries]
        except (KeyError, TypeError, ValueError) as exc:
            raise ShardError(f"{manifest_path}: malformed shard document counts ({exc})") from exc
        self.document_starts = np.cumsum([0] + counts).astype(np.int64)
        self._last = None      # (shard index, Shard): the shard random access read last
        self._window_readers = {}

    def __len__(self):
        """Documents in the dataset (from the manifest)."""
        return int(self.document_starts[-1])

    def __getitem__(self, index):
        """Document `index` in manifest order, as `documents()` yields it, reading one shard's
        sections (the last shard read stays decoded, so reading in order decodes each once)."""
        n = len(self)
        if not isinstance(index, (int, np.integer)):
            raise TypeError(f"dataset indices are integers, not {type(index).__name__}")
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError(f"document {index} outside 0..{n - 1}")
        i = int(np.searchsorted(self.document_starts, index, side="right")) - 1
        if self._last is None or self._last[0] != i:
            shard = self.shard(i)
            if shard.documents != int(self.entries[i]["documents"]):
                raise ShardFormatError(shard.path, "header", f"{shard.documents} documents, "
                                       f"manifest says {self.entries[i]['documents']}")
            self._last = (i, shard, shard.doc_offsets(), shard.doc_ids())
        _, shard, offsets, ids = self._last
        k = index - int(self.document_starts[i])
        a, b = int(offsets[k]), int(offsets[k + 1])
        return {"id": ids[k], **{f: shard.read(f)[a:b] for f in DEFAULT_FIELDS}}

    def num_windows(self, length, stride=None, separator_token=None):
        """How many windows `windows(length, stride, separator_token)` yields (from the manifest)."""
        return self._window_reader(length, stride, separator_token, DEFAULT_FIELDS).num_windows

    def window(self, index, length, stride=None, separator_token=None, fields=DEFAULT_FIELDS):
        """Window `index` of `windows(length, stride, separator_token, fields)`, found from the
        manifest's counts and read from the shard(s) it lies in (stored dtypes)."""
        reader = self._window_reader(length, stride, separator_token, fields)
        if not 0 <= index < reader.num_windows:
            raise IndexError(f"window {index} outside 0..{reader.num_windows - 1}")
        return reader.window(index)

    def _window_reader(self, length, stride, separator_token, fields):
        from .loader import LimeIterableDataset
        key = (length, stride, separator_token, tuple(fields))
        if key not in self._window_readers:
            self._window_readers[key] = LimeIterableDataset(
                self.path, length, stride=stride, separator_token=separator_token, fields=fields,
                shuffle=False, dtype=None)
        return self._window_readers[key]

    @property
    def documents_count(self):
        return int(self.manifest.get("documents", 0))

    @property
    def tokens_count(self):
        return int(self.manifest.get("tokens", 0))

    def shard(self, index):
        return Shard(self.shard_paths[index])

    def shards(self):
        for i in range(len(self.shard_paths)):
            yield self.shard(i)

    def verify(self):
        """Check every shard against the manifest and the format; returns totals, raises ShardError."""
        m, where = self.manifest, self.manifest_path
        tokenizer_sha = (m.get("tokenizer") or {}).get("sha256")
        tagsets_sha = m.get("tagsets_sha256")
        docs = tokens = 0
        for entry, path in zip(self.entries, self.shard_paths):
            try:
                size = os.path.getsize(path)
            except OSError as exc:
                raise ShardError(f"{path}: listed in {where} but unreadable ({exc.strerror})") from exc
            if size != entry.get("bytes"):
                raise ShardError(f"{path}: {size} bytes, manifest says {entry.get('bytes')} (truncated?)")
            shard = Shard(path)
            if shard.sha256() != entry.get("sha256"):
                raise ShardError(f"{path}: SHA-256 does not match the manifest")
            shard.verify()
            if (shard.documents, shard.tokens) != (entry.get("documents"), entry.get("tokens")):
                raise ShardError(f"{path}: header has {shard.documents} documents / {shard.tokens} "
                                 f"tokens, manifest says {entry.get('documents')} / {entry.get('tokens')}")
            if tokenizer_sha and shard.header.tokenizer_sha256.hex() != tokenizer_sha:
                raise ShardError(f"{path}: tokenizer SHA-256 differs from the manifest's")
            if tagsets_sha and shard.header.tagsets_sha256.hex() != tagsets_sha:
                raise ShardError(f"{path}: tag sets SHA-256 differs from the manifest's")
            docs += shard.documents
            tokens += shard.tokens
        if (docs, tokens) != (m.get("documents"), m.get("tokens")):
            raise ShardError(f"{where}: totals {m.get('documents')} documents / {m.get('tokens')} "
                             f"tokens, shards hold {docs} / {tokens}")
        return {"shards": len(self.entries), "documents": docs, "tokens": tokens}

    def documents(self, fields=DEFAULT_FIELDS):
        """Yield every document as {"id", "tokens", "tag", "pos", "ner", "word_start"} (numpy arrays)."""
        for shard in self.shards():
            yield from shard.documents_iter(fields)

    def windows(self, length, stride=None, separator_token=None, fields=DEFAULT_FIELDS):
        """Fixed-length windows over the concatenated documents (see `windows.windows`)."""
        from .windows import windows
        return windows(self.shard_paths, length, stride, separator_token, fields)
