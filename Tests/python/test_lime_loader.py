"""LimeIterableDataset under torch DataLoaders: rank and worker splits, epochs, resume."""
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Pipelines" / "python"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from lime_shards import Dataset, LimeIterableDataset, hf_dataset, hf_generator  # noqa: E402
from shard_writer import random_docs, write_dataset  # noqa: E402

SEQ, STRIDE, SEP = 6, 5, 3
# 3 workers on a 2-core machine is deliberate (a worker count that does not divide the work).
pytestmark = pytest.mark.filterwarnings("ignore:This DataLoader will create")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """7 shards (one empty), windows crossing shard boundaries; 7 is divisible by neither 2 nor 3."""
    path = tmp_path_factory.mktemp("loader")
    rng = np.random.default_rng(12)
    shards = [random_docs(rng, int(rng.integers(1, 6)), f"s{i}") for i in range(7)]
    shards[3] = []
    write_dataset(path, shards)
    reference = list(Dataset(path).windows(SEQ, stride=STRIDE, separator_token=SEP))
    assert len(reference) % 2 and len(reference) % 3, len(reference)
    return str(path), reference


def make(path, **options):
    options = {"stride": STRIDE, "separator_token": SEP, "shuffle_shards": 2, **options}
    return LimeIterableDataset(path, SEQ, **options)


def run(ds, workers, batch_size, limit=None):
    """(window id, tokens) of every sample the DataLoader yields, in order, up to `limit`."""
    loader = DataLoader(ds, batch_size=batch_size, num_workers=workers)
    out = []
    for batch in loader:
        assert batch["tokens"].dtype == torch.int64 and batch["tag"].shape[1] == SEQ
        for w, s, t in zip(batch["window"].tolist(), batch["sample"].tolist(), batch["tokens"].tolist()):
            out.append((w, s, tuple(t)))
            if limit is not None and len(out) == limit:
                return out
    return out


def test_epoch_order_is_a_permutation_of_the_windows(data):
    path, reference = data
    ds = make(path, seed=5)
    order = ds.epoch_order()
    assert sorted(order.tolist()) == list(range(len(reference)))
    for w in order[:10]:
        sample = ds.window(w)
        ref = reference[w]
        for f in ("tokens", "tag", "pos", "ner", "word_start"):
            assert sample[f].tolist() == ref[f].tolist()


@pytest.mark.parametrize("world_size", [1, 2, 3])
@pytest.mark.parametrize("workers", [0, 1, 2, 3])
def test_ranks_and_workers_cover_the_epoch_once(data, world_size, workers):
    path, reference = data
    batch = 2
    ranks = []
    for rank in range(world_size):
        ds = make(path, rank=rank, world_size=world_size, seed=1, batch_size=batch)
        ds.set_epoch(2)
        got = run(ds, workers, batch)
        # The loader's order is the rank's block of the epoch order, whatever the worker count.
        assert [s for _, s, _ in got] == list(range(ds.per_rank))
        assert [w for w, _, _ in got] == ds.epoch_order()[rank * ds.per_rank:(rank + 1) * ds.per_rank].tolist()
        for w, _, tokens in got:
            assert list(tokens) == reference[w]["tokens"].tolist()
        ranks.append([w for w, _, _ in got])
    union = [w for r in ranks for w in r]
    n = len(reference)
    assert len(union) == len(set(union)) == n - n % world_size  # no overlap
    assert ds.dropped == n % world_size
    dropped = set(range(n)) - set(union)
    assert dropped == set(ds.epoch_order()[n - n % world_size:].tolist())  # the tail, counted


def test_drop_last_false_pads_by_wrapping(data):
    path, reference = data
    n = len(reference)
    union = []
    for rank in range(3):
        ds = make(path, rank=rank, world_size=3, drop_last=False)
        union += [s["window"] for s in ds]
    assert len(union) == 3 * -(-n // 3) == n + ds.padded and ds.padded > 0
    assert set(union) == set(range(n))
    assert union[n:] == ds.epoch_order()[:ds.padded].tolist()


def test_epochs_and_seeds(data):
    path, _ = data
    a, b = make(path, seed=3), make(path, seed=3)
    first = [s["window"] for s in a]
    assert first == [s["window"] for s in b]                       # same seed, same order
    a.set_epoch(1)
    second = [s["window"] for s in a]
    assert second != first and sorted(second) == sorted(first)      # new epoch, new order
    b.set_epoch(1)
    assert [s["window"] for s in b] == second
    assert [s["window"] for s in make(path, seed=4)] != first        # other seed, other order
    assert [s["window"] for s in make(path, shuffle=False)] == sorted(first)


@pytest.mark.parametrize("world_size,workers,stop", [(1, 0, 7), (1, 2, 5), (2, 3, 4), (3, 1, 3), (2, 2, 0)])
def test_resume_equals_uninterrupted(data, world_size, workers, stop):
    """Stop every rank after `stop` samples (mid-batch too), save, restart: same samples."""
    path, _ = data
    batch = 2
    for rank in range(world_size):
        full = make(path, rank=rank, world_size=world_size, seed=9, batch_size=batch)
        full.set_epoch(1)
        uninterrupted = run(full, workers, batch)

        first = make(path, rank=rank, world_size=world_size, seed=9, batch_size=batch)
        first.set_epoch(1)
        taken = run(first, workers, batch, limit=stop) if stop else []
        consumed = taken[-1][1] + 1 if taken else 0
        state = first.state_dict(consumed=consumed)
        assert state["consumed"] == stop * world_size and state["epoch"] == 1

        resumed = make(path, rank=rank, world_size=world_size, seed=9, batch_size=batch)
        resumed.load_state_dict(state)
        resumed.set_epoch(1)  # the training loop's call for the current epoch keeps the position
        assert len(resumed) == resumed.per_rank - stop
        assert taken + run(resumed, workers, batch) == uninterrupted
        resumed.set_epoch(2)
        assert len(resumed) == resumed.per_rank


def test_in_process_state_counts_samples(data):
    path, _ = data
    ds = make(path, seed=2)
    it = iter(ds)
    head = [next(it)["window"] for _ in range(4)]
    state = ds.state_dict()
    assert state["consumed"] == 4
    rest = make(path, seed=2)
    rest.load_state_dict(state)
    assert head + [s["window"] for s in rest] == ds.epoch_order().tolist()
    with pytest.raises(ValueError, match="seed"):
        make(path, seed=3).load_state_dict(state)


def test_tensors_and_storage_dtypes(data):
    path, reference = data
    sample = next(iter(make(path, shuffle=False, return_tensors=True)))
    assert isinstance(sample["tokens"], torch.Tensor) and sample["tokens"].tolist() == reference[0]["tokens"].tolist()
    raw = next(iter(make(path, shuffle=False, dtype=None)))
    assert raw["tokens"].dtype == np.uint16 and raw["ner"].dtype == np.uint8


def test_hf_generator_yields_the_same_samples(data):
    path, _ = data
    rows = list(hf_generator(path, SEQ, stride=STRIDE, separator_token=SEP, seed=1, rank=1, world_size=2))
    ds = make(path, seed=1, rank=1, world_size=2, shuffle_shards=4)
    assert [r["window"] for r in rows] == [s["window"] for s in ds]
    assert isinstance(rows[0]["tokens"], list)


def test_hugging_face_iterable_dataset(data):
    path, reference = data
    hf = hf_dataset(path, SEQ, stride=STRIDE, separator_token=SEP, seed=1, rank=0, world_size=2)
    rows = list(hf)
    ds = make(path, seed=1, rank=0, world_size=2, shuffle_shards=4)
    assert [r["window"] for r in rows] == [s["window"] for s in ds]
    assert [r["tokens"] for r in rows] == [reference[r["window"]]["tokens"].tolist() for r in rows]
