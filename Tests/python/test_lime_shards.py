"""Tests for Pipelines/python/lime_shards against shards from an independent test writer."""
import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Pipelines" / "python"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from lime_shards import Dataset, LimeIterableDataset, Shard, ShardError, tagsets  # noqa: E402
from shard_writer import random_docs, shard_bytes, write_dataset  # noqa: E402

FIELDS = ("tokens", "tag", "pos", "ner", "word_start")


@pytest.fixture
def dataset(tmp_path):
    rng = np.random.default_rng(7)
    shards = [random_docs(rng, 5, "a"), random_docs(rng, 0, "b"), random_docs(rng, 8, "c")]
    shards[0][1] = dict(shards[0][1], tokens=[], tag=[], pos=[], ner=[], word_start=[])  # empty doc
    write_dataset(tmp_path, shards)
    return tmp_path, [d for s in shards for d in s]


def concat(docs, key):
    return np.asarray([x for d in docs for x in d[key]], dtype=np.int64)


def test_verify_and_documents_roundtrip(dataset):
    path, docs = dataset
    ds = Dataset(path)
    assert ds.verify() == {"shards": 3, "documents": len(docs), "tokens": sum(len(d["tokens"]) for d in docs)}
    read = list(ds.documents())
    assert [d["id"] for d in read] == [d["id"] for d in docs]
    for got, want in zip(read, docs):
        for f in FIELDS:
            assert got[f].tolist() == want[f], (got["id"], f)
    assert read[0]["tokens"].dtype == np.uint16 and read[0]["tag"].dtype == np.uint8


def test_u32_tokens(tmp_path):
    rng = np.random.default_rng(1)
    docs = random_docs(rng, 3, "big", vocab_size=100_000)
    write_dataset(tmp_path, [docs], vocab_size=100_000)
    shard = Shard(str(tmp_path / "shards" / "shard-00000-000000.lime"))
    assert shard.header.token_size == 4
    assert shard.read("tokens").tolist() == concat(docs, "tokens").tolist()
    Dataset(tmp_path).verify()


def test_windows_without_separators(dataset):
    path, docs = dataset
    stream = concat(docs, "tokens")
    tags = concat(docs, "tag")
    wins = list(Dataset(path).windows(7))
    assert len(wins) == len(stream) // 7
    for i, w in enumerate(wins):
        assert w["tokens"].tolist() == stream[i * 7:(i + 1) * 7].tolist()
        assert w["tag"].tolist() == tags[i * 7:(i + 1) * 7].tolist()
    # Overlapping and skipping strides.
    for stride in (3, 11):
        got = [w["tokens"].tolist() for w in Dataset(path).windows(5, stride=stride)]
        want = [stream[s:s + 5].tolist() for s in range(0, len(stream) - 4, stride)]
        assert got == want


def test_windows_with_separators(dataset):
    path, docs = dataset
    sep = 3
    tokens, tag, ws = [], [], []
    for i, d in enumerate(docs):
        if i:
            tokens.append(sep), tag.append(tagsets.SEP), ws.append(1)
        tokens += d["tokens"]
        tag += d["tag"]
        ws += d["word_start"]
    got = list(Dataset(path).windows(4, separator_token=sep))
    assert [t for w in got for t in w["tokens"].tolist()] == tokens[:len(got) * 4]
    assert [t for w in got for t in w["tag"].tolist()] == tag[:len(got) * 4]
    assert [t for w in got for t in w["word_start"].tolist()] == ws[:len(got) * 4]
    assert len(got) == len(tokens) // 4


def test_iterable_dataset(dataset):
    path, docs = dataset
    windows = list(LimeIterableDataset(str(path), 6))
    assert len(windows) == len(concat(docs, "tokens")) // 6
    assert all(len(w["ner"]) == 6 for w in windows)


def corrupt_and_expect(path, mutate, message):
    shard = path / "shards" / "shard-00000-000000.lime"
    data = bytearray(shard.read_bytes())
    mutate(data)
    shard.write_bytes(bytes(data))
    with pytest.raises(ShardError) as info:
        Dataset(path).verify()
    assert str(shard) in str(info.value) and message in str(info.value), str(info.value)


def update_manifest(path):
    """Make the manifest agree with the (corrupted) shard, so the shard's own checks must fire."""
    import hashlib
    manifest = json.loads((path / "manifest.json").read_text())
    entry = manifest["shards"][0]
    data = (path / "shards" / entry["file"]).read_bytes()
    entry["bytes"], entry["sha256"] = len(data), hashlib.sha256(data).hexdigest()
    (path / "manifest.json").write_text(json.dumps(manifest))


def test_flipped_bit_is_detected_by_file_hash(dataset):
    path, _ = dataset
    corrupt_and_expect(path, lambda d: d.__setitem__(-5, d[-5] ^ 0x10), "SHA-256 does not match")


@pytest.mark.parametrize("where,message", [
    (lambda data: 130, "kind order"),                      # section table: a kind field
    (lambda data: 40, "header checksum"),                  # header body
    (lambda data: 2, "bad magic"),
    (lambda data: len(data) - 3, "SHA-256 mismatch"),     # last payload (doc_ids)
    (lambda data: 128 + 64 * 7 + 10, "SHA-256 mismatch"),  # first payload (tokens)
])
def test_flipped_bit_is_detected_by_shard_checks(dataset, where, message):
    path, _ = dataset
    shard = path / "shards" / "shard-00000-000000.lime"
    data = bytearray(shard.read_bytes())
    i = where(data)
    data[i] ^= 0x04
    shard.write_bytes(bytes(data))
    update_manifest(path)
    with pytest.raises(ShardError) as info:
        Dataset(path).verify()
    assert str(shard) in str(info.value) and message in str(info.value), str(info.value)


def test_truncation_is_detected(dataset):
    path, _ = dataset
    corrupt_and_expect(path, lambda d: d.__delitem__(slice(len(d) - 9, None)), "bytes, manifest says")
    update_manifest(path)
    with pytest.raises(ShardError, match="runs past the end of the file"):
        Dataset(path).verify()
    shard = path / "shards" / "shard-00000-000000.lime"
    shard.write_bytes(shard.read_bytes()[:100])
    update_manifest(path)
    with pytest.raises(ShardError, match="truncated header"):
        Dataset(path).verify()


def test_inconsistent_doc_offsets_are_detected(tmp_path):
    rng = np.random.default_rng(3)
    docs = random_docs(rng, 3, "x")
    docs[0]["tokens"] = docs[0]["tokens"] + [1]  # tokens longer than the other sections
    write_dataset(tmp_path, [docs])
    with pytest.raises(ShardError, match="section tag: has 63 elements, header says 64"):
        Dataset(tmp_path).verify()


@pytest.mark.parametrize("offsets,message", [
    ([0, 20, 10, 30], "doc_offsets decreases"),
    ([0, 10, 20, 29], "must run from 0 to the token count"),
    ([0, 10, 30], "doc_offsets has 3 entries, expected 4"),
])
def test_bad_doc_offsets_are_detected(tmp_path, offsets, message):
    docs = [{"id": str(i), "tokens": [5] * 10, "tag": [3] * 10, "pos": [3] * 10, "ner": [3] * 10,
             "word_start": [1] * 10} for i in range(3)]
    write_dataset(tmp_path, [docs], doc_offsets=offsets)
    with pytest.raises(ShardError, match=message):
        Dataset(tmp_path).verify()


def test_manifest_totals_and_missing_manifest(dataset, tmp_path):
    path, _ = dataset
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["tokens"] += 1
    (path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ShardError, match="totals"):
        Dataset(path).verify()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ShardError, match="manifest.json"):
        Dataset(empty)


def test_writer_is_deterministic():
    rng1, rng2 = np.random.default_rng(5), np.random.default_rng(5)
    assert shard_bytes(random_docs(rng1, 4, "d")) == shard_bytes(random_docs(rng2, 4, "d"))


def test_tagsets_mirror_swift_definitions():
    swift = (ROOT / "Sources" / "LimeText" / "TagSet.swift").read_text()
    for label in tagsets.TAG[3:] + tagsets.POS[3:] + tagsets.ENTITY_TYPES:
        assert f'"{label}"' in swift.replace('\\"', '"') or label == "''", label
    assert len(tagsets.TAG) == 53 and len(tagsets.POS) == 21 and len(tagsets.NER) == 40
    schema = ROOT / "Schemas" / "tagsets.json"
    if schema.exists():
        assert schema.read_bytes() == tagsets.canonical_json()
