"""The Python reader against shards written by the Swift pipeline (`lime run`).

Needs the `lime` binary: $LIME_BIN, else .build/debug/lime (built by `make test` first).
"""
import json
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "Pipelines", "python"))
from lime_shards import Dataset, ShardError, tagsets  # noqa: E402

FIXTURE = os.path.join(ROOT, "Tests", "LimeDataTests", "Fixtures", "real-text.jsonl")
ANNOTATOR = os.environ.get("LIME_TEST_ANNOTATOR", "native")


def lime_binary():
    path = os.environ.get("LIME_BIN", os.path.join(ROOT, ".build", "debug", "lime"))
    assert os.access(path, os.X_OK), f"{path}: lime binary not built (run `swift build` first)"
    return path


@pytest.fixture(scope="module")
def swift_dataset(tmp_path_factory):
    work = tmp_path_factory.mktemp("swift-shards")
    lime = lime_binary()
    model = str(work / "tok.model")
    subprocess.run([lime, "tokenizer", "train", "--input", FIXTURE, "--vocab-size", "600", "--output", model],
                   check=True, capture_output=True)
    out = str(work / "out")
    subprocess.run([lime, "run", "--input", FIXTURE, "--output", out, "--tokenizer", model, "--annotator", ANNOTATOR,
                    "--workers", "2", "--unit-documents", "10"], check=True, capture_output=True)
    export = subprocess.run([lime, "export", out, "--tokenizer", model], check=True, capture_output=True, text=True)
    return out, [json.loads(line) for line in export.stdout.splitlines()]


def test_reader_verifies_swift_shards(swift_dataset):
    out, exported = swift_dataset
    summary = Dataset(out).verify()
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    assert summary == {"shards": len(manifest["shards"]), "documents": manifest["documents"], "tokens": manifest["tokens"]}
    assert summary["shards"] >= 5 and summary["documents"] == len(exported)


def test_reader_documents_equal_lime_export(swift_dataset):
    out, exported = swift_dataset
    fixture_ids = [json.loads(line)["id"] for line in open(FIXTURE, encoding="utf-8")]
    lookup = tagsets.Lookup()
    documents = list(Dataset(out).documents())
    assert [d["id"] for d in documents] == fixture_ids
    for document, row in zip(documents, exported):
        assert document["id"] == row["id"]
        assert document["tokens"].tolist() == row["token_ids"]
        assert document["tag"].tolist() == [lookup.id("tag", label) for label in row["tag"]]
        assert document["ner"].tolist() == [lookup.id("ner", label) for label in row["ner"]]
        assert document["word_start"][0] == 1
        assert len(document["pos"]) == len(document["tokens"])


def test_reader_windows_over_swift_shards(swift_dataset):
    out, _ = swift_dataset
    dataset = Dataset(out)
    total = dataset.verify()["tokens"]
    windows = list(dataset.windows(64, separator_token=2))
    assert len(windows) >= (total // 64) - 1
    assert all(len(w["tokens"]) == 64 for w in windows)


def test_reader_rejects_a_corrupted_swift_shard(swift_dataset, tmp_path):
    out, _ = swift_dataset
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    manifest = json.load(open(copy / "manifest.json"))
    victim = copy / "shards" / manifest["shards"][1]["file"]
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01
    victim.write_bytes(bytes(data))
    with pytest.raises(ShardError) as info:
        Dataset(str(copy)).verify()
    assert manifest["shards"][1]["file"] in str(info.value)


def test_loader_splits_swift_shards_across_ranks_and_workers(swift_dataset):
    import torch
    from torch.utils.data import DataLoader
    from lime_shards import LimeIterableDataset
    out, _ = swift_dataset
    reference = [w["tokens"].tolist() for w in Dataset(out).windows(64, separator_token=2)]
    seen = []
    for rank in range(3):
        ds = LimeIterableDataset(out, 64, separator_token=2, rank=rank, world_size=3, seed=4, batch_size=4)
        ds.set_epoch(1)
        for batch in DataLoader(ds, batch_size=4, num_workers=2):
            assert batch["tokens"].dtype == torch.int64
            for w, tokens in zip(batch["window"].tolist(), batch["tokens"].tolist()):
                assert tokens == reference[w]
                seen.append(w)
    assert len(seen) == len(set(seen)) == len(reference) - ds.dropped
    assert set(range(len(reference))) - set(seen) == set(ds.epoch_order()[len(seen):].tolist())
