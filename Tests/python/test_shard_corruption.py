"""Issue 17.2: a corrupted or truncated real shard raises ShardFormatError naming the file and
the section, or (when the damage is in a section that was not read) returns intact data.

The shard comes from the Swift pipeline: $LIME_BIN, else .build/debug/lime.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "Pipelines", "python"))
from lime_shards import Dataset, LimeIterableDataset, Shard, ShardFormatError  # noqa: E402
from test_swift_shards import FIXTURE, lime_binary  # noqa: E402

SECTIONS = ("tokens", "tag", "pos", "ner", "word_start", "doc_offsets", "doc_ids")
SETTINGS = settings(max_examples=200, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """A real dataset (few shards) and, for the first shard, everything a reader can decode."""
    work = tmp_path_factory.mktemp("corrupt")
    lime = lime_binary()
    model = str(work / "tok.model")
    subprocess.run([lime, "tokenizer", "train", "--input", FIXTURE, "--vocab-size", "600", "--output", model],
                   check=True, capture_output=True)
    out = work / "out"
    subprocess.run([lime, "run", "--input", FIXTURE, "--output", str(out), "--tokenizer", model,
                    "--workers", "2", "--unit-documents", "20"], check=True, capture_output=True)
    Dataset(str(out)).verify()
    name = json.loads((out / "manifest.json").read_text())["shards"][0]["file"]
    path = out / "shards" / name
    pristine = path.read_bytes()
    shard = Shard(str(path))
    decoded = {s: shard.read(s).copy() for s in SECTIONS}
    victim = work / "victim"
    shutil.copytree(out, victim)
    windows = [w["tokens"].tolist() for w in LimeIterableDataset(str(out), 32, shuffle=False)]
    return {"out": out, "name": name, "pristine": pristine, "decoded": decoded,
            "victim": victim / "shards" / name, "victim_dir": victim, "windows": windows,
            "ids": shard.doc_ids(), "offsets": shard.doc_offsets().tolist()}


def read_everything(path):
    shard = Shard(str(path))
    got = {s: shard.read(s) for s in SECTIONS}
    return shard, got, shard.doc_ids(), shard.doc_offsets().tolist()


def check(real, data, section_read=SECTIONS):
    """Either a ShardFormatError naming the file and a section, or exactly the original data."""
    real["victim"].write_bytes(bytes(data))
    try:
        _, got, ids, offsets = read_everything(real["victim"])
    except ShardFormatError as exc:
        assert real["name"] in str(exc) and exc.path == str(real["victim"])
        assert exc.section in ("header", "section table", "layout") or exc.section.startswith("section "), exc
        assert exc.section in str(exc)
        return "error"
    for s in section_read:
        assert np.array_equal(got[s], real["decoded"][s]), s
    assert ids == real["ids"] and offsets == real["offsets"]
    return "intact"


@SETTINGS
@given(position=st.data(), mask=st.integers(1, 255))
def test_any_flipped_byte_is_a_clear_error(real, position, mask):
    data = bytearray(real["pristine"])
    i = position.draw(st.integers(0, len(data) - 1))
    data[i] ^= mask
    # Every byte of a shard is covered: header checksum, table fields checked against the
    # payloads (offsets, lengths, SHA-256, counts, element sizes), payload SHA-256.
    assert check(real, data) == "error"


@SETTINGS
@given(position=st.data())
def test_any_truncation_is_a_clear_error(real, position):
    data = real["pristine"]
    cut = position.draw(st.integers(0, len(data) - 1))
    assert check(real, data[:cut]) == "error"


@SETTINGS
@given(position=st.data(), garbage=st.binary(min_size=1, max_size=64))
def test_overwritten_runs_and_appended_bytes(real, position, garbage):
    data = bytearray(real["pristine"])
    i = position.draw(st.integers(0, len(data)))
    data[i:i + len(garbage)] = garbage if i < len(data) else garbage
    if bytes(data) == real["pristine"]:
        return
    assert check(real, data) == "error"


@settings(max_examples=60, deadline=None, database=None)
@given(position=st.data(), mask=st.integers(1, 255))
def test_dataset_iteration_errors_or_is_intact(real, position, mask):
    """Through LimeIterableDataset (which reads only the sections it needs)."""
    data = bytearray(real["pristine"])
    i = position.draw(st.integers(0, len(data) - 1))
    data[i] ^= mask
    real["victim"].write_bytes(bytes(data))
    try:
        got = [w["tokens"].tolist() for w in LimeIterableDataset(str(real["victim_dir"]), 32, shuffle=False)]
    except ShardFormatError as exc:
        assert real["name"] in str(exc) and exc.section in str(exc)
        return
    assert got == real["windows"]  # the flip hit a section windows do not read (doc_ids)


def test_messages_name_the_section(real):
    data = bytearray(real["pristine"])
    shard = Shard(str(real["out"] / "shards" / real["name"]))
    ner = shard.sections[4]
    data[ner.offset + ner.length // 2] ^= 0x01
    real["victim"].write_bytes(bytes(data))
    with pytest.raises(ShardFormatError, match=r"section ner: SHA-256 mismatch") as info:
        read_everything(real["victim"])
    assert info.value.section == "section ner"
    with pytest.raises(ShardFormatError, match="header: truncated header"):
        real["victim"].write_bytes(real["pristine"][:60])
        Shard(str(real["victim"]))
    manifest = json.loads((real["out"] / "manifest.json").read_text())
    assert manifest["shards"][0]["sha256"] == hashlib.sha256(real["pristine"]).hexdigest()
