"""Random access (Dataset[i], Dataset.window) and mixtures (LimeMixtureDataset) in lime_shards."""
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Pipelines" / "python"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from lime_shards import Dataset, LimeMixtureDataset, Mixture, ShardError, WeightedSchedule  # noqa: E402
from shard_writer import random_docs, write_dataset  # noqa: E402

FIELDS = ("tokens", "tag", "pos", "ner", "word_start")


def make(path, seed, shards):
    rng = np.random.default_rng(seed)
    docs = [random_docs(rng, int(rng.integers(0, 6)), f"{path.name}{i}") for i in range(shards)]
    write_dataset(path, docs)
    return str(path)


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    base = tmp_path_factory.mktemp("mix")
    return make(base / "web", 1, 6), make(base / "books", 2, 4), base


def test_getitem_equals_sequential_documents(two):
    ds = Dataset(two[0])
    sequential = list(ds.documents())
    assert len(ds) == len(sequential) > 5
    for i in np.random.default_rng(3).permutation(len(ds)).tolist():
        doc = ds[i]
        assert doc["id"] == sequential[i]["id"]
        for f in FIELDS:
            assert np.array_equal(doc[f], sequential[i][f]) and doc[f].dtype == sequential[i][f].dtype
    assert ds[-1]["id"] == sequential[-1]["id"]
    with pytest.raises(IndexError):
        ds[len(ds)]
    with pytest.raises(TypeError):
        ds["0"]


@pytest.mark.parametrize("length,stride,sep", [(7, None, 3), (5, 3, None), (16, 16, 3)])
def test_window_equals_sequential_windows(two, length, stride, sep):
    ds = Dataset(two[0])
    sequential = list(ds.windows(length, stride=stride, separator_token=sep))
    assert ds.num_windows(length, stride, sep) == len(sequential) > 3
    for i in np.random.default_rng(4).permutation(len(sequential)).tolist():
        w = ds.window(i, length, stride=stride, separator_token=sep)
        for f in FIELDS:
            assert np.array_equal(w[f], sequential[i][f]) and w[f].dtype == sequential[i][f].dtype, (i, f)
    with pytest.raises(IndexError):
        ds.window(len(sequential), length, stride=stride, separator_token=sep)


def test_schedule_matches_the_swift_trainer_and_its_tolerance():
    s = WeightedSchedule([3, 2, 1])
    # The same sequence the Swift test (MixtureTests) pins for these weights.
    assert [s.next() for _ in range(12)] == [0, 1, 0, 2, 1, 0, 0, 1, 0, 2, 1, 0]
    rng = np.random.default_rng(9)
    for _ in range(100):
        weights = rng.integers(1, 40, size=int(rng.integers(2, 6))).tolist()
        s, total = WeightedSchedule(weights), sum(weights)
        picks = np.array([s.next() for _ in range(2 * total)])
        for k, w in enumerate(weights):
            prefix = np.concatenate([[0], np.cumsum(picks == k)])
            for n in (1, 5, 33, total):
                counts = prefix[n:] - prefix[:-n]
                assert np.all(np.abs(counts - n * w / total) < 2)
            assert prefix[total] == w and prefix[2 * total] == 2 * w
    assert WeightedSchedule.reduced([2_000_000, 1_000_000]) == [2, 1]


def write_yaml(base, name, body):
    path = base / name
    path.write_text(body)
    return str(path)


def test_mixture_interleaves_in_proportion_and_resumes(two):
    web, books, base = two
    path = write_yaml(base, "mix.yaml", "sources:\n  - data: web\n    weight: 0.75\n  - data: books\n    weight: 0.25\n")
    mix = LimeMixtureDataset(path, 6, seed=5, separator_token=3, shuffle_shards=2)
    assert mix.weights == [3, 1]
    samples = [s for _, s in zip(range(80), mix)]
    sources = [s["source"] for s in samples]
    assert sources[:8] == [0, 0, 1, 0, 0, 0, 1, 0]
    assert sources.count(0) == 60
    # Each source's samples are that source's windows in its own epoch order (cycling epochs).
    for k, ds in enumerate(mix.sources):
        ids = [s["window"] for s in samples if s["source"] == k]
        order = np.concatenate([ds.epoch_order(e) for e in range(1 + len(ids) // ds.num_windows)])
        assert ids == order[:len(ids)].tolist()
        for s in samples:
            if s["source"] == k:
                assert np.array_equal(s["tokens"], ds.window(s["window"])["tokens"])
    # Resume: a fresh dataset loaded with the state after 37 samples yields samples 37..79.
    first = LimeMixtureDataset(path, 6, seed=5, separator_token=3, shuffle_shards=2)
    it = iter(first)
    for _ in range(37):
        next(it)
    state = first.state_dict()
    again = LimeMixtureDataset(path, 6, seed=5, separator_token=3, shuffle_shards=2, num_samples=80)
    again.load_state_dict(state)
    rest = list(again)
    assert [(s["source"], s["window"]) for s in rest] == [(s["source"], s["window"]) for s in samples[37:]]
    other = LimeMixtureDataset(path, 6, seed=6, separator_token=3, shuffle_shards=2, num_samples=80)
    assert [s["window"] for s in other] != [s["window"] for s in samples]
    with pytest.raises(ValueError, match="another mixture"):
        other.load_state_dict(state)


def test_mixture_amounts_and_errors(two):
    web, books, base = two
    path = write_yaml(base, "amounts.yaml", f"sources:\n  - data: {web}\n    epochs: 2\n  - data: books\n    tokens: 60\n")
    mix = LimeMixtureDataset(path, 6, separator_token=3)
    n_web = mix.sources[0].num_windows
    assert mix.weights == WeightedSchedule.reduced([2 * n_web, 10])
    assert Mixture(path).sources[0]["path"] == web
    cases = {
        "sources: []\n": "non-empty list",
        "sources:\n  - data: web\n    weight: 1\n    epochs: 1\n": "exactly one of",
        "sources:\n  - data: web\n    wieght: 1\n": "unknown key 'wieght'",
        "sources:\n  - data: web\n    weight: 0\n": "must be positive",
        "sources:\n  - data: web\n    weight: 1\n  - data: books\n    tokens: 6\n": "ambiguous",
        "sources: [\n": "invalid YAML",
    }
    for body, message in cases.items():
        bad = write_yaml(base, "bad.yaml", body)
        with pytest.raises(ShardError, match=message) as info:
            LimeMixtureDataset(bad, 6)
        assert "bad.yaml" in str(info.value)
    missing = write_yaml(base, "missing.yaml", "sources:\n  - data: nowhere\n    weight: 1\n")
    with pytest.raises(ShardError, match="nowhere"):
        LimeMixtureDataset(missing, 6)


def test_schema_agrees_with_the_reader(two):
    """Schemas/mixture.schema.json accepts the files the reader accepts and rejects the
    per-source mistakes it rejects (the whole-file 'ambiguous' rule is the reader's alone)."""
    jsonschema = pytest.importorskip("jsonschema")
    import json
    import yaml
    schema = json.load(open(ROOT / "Schemas" / "mixture.schema.json"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    good = ["sources:\n  - data: web\n    weight: 0.75\n  - data: books\n    weight: 0.25\n",
            "sources:\n  - data: web\n    epochs: 2\n  - data: books\n    tokens: 60\n"]
    bad = ["sources: []\n", "sources:\n  - data: web\n    weight: 1\n    epochs: 1\n",
           "sources:\n  - data: web\n    wieght: 1\n", "sources:\n  - data: web\n    weight: 0\n",
           "seed: 1\nsources:\n  - data: web\n    weight: 1\n", "sources:\n  - data: web\n    tokens: 1.5\n"]
    base = two[2]
    for body in good:
        validator.validate(yaml.safe_load(body))
        Mixture(write_yaml(base, "good.yaml", body))
    for body in bad:
        assert not validator.is_valid(yaml.safe_load(body)), body
        with pytest.raises(ShardError):
            Mixture(write_yaml(base, "bad.yaml", body))


def test_mixture_ranks_share_the_schedule_and_split_each_source(two):
    """rank/world_size pass to every source: both ranks draw the same source sequence and
    take disjoint windows of each source's epoch."""
    base = two[2]
    path = write_yaml(base, "ranks.yaml", "sources:\n  - data: web\n    weight: 2\n  - data: books\n    weight: 1\n")
    ranks = [list(LimeMixtureDataset(path, 6, seed=3, num_samples=12, separator_token=3, rank=r, world_size=2))
             for r in range(2)]
    assert [s["source"] for s in ranks[0]] == [s["source"] for s in ranks[1]]
    for k in range(2):
        a = {s["window"] for s in ranks[0] if s["source"] == k}
        b = {s["window"] for s in ranks[1] if s["source"] == k}
        per_rank = LimeMixtureDataset(path, 6, seed=3, separator_token=3, rank=0, world_size=2).sources[k].per_rank
        assert len(a) <= per_rank and len(b) <= per_rank and a and b  # within one epoch of the source
        assert not a & b
