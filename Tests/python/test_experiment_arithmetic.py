"""Tests for Pipelines/experiment/arithmetic.py: held-out problems never trained (in either
order), fixed format, copies, one- and two-digit operands."""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Pipelines" / "experiment"))
import arithmetic  # noqa: E402


def test_heldout_pairs_are_never_trained_in_either_order():
    heldout, train = arithmetic.split(300, seed=3)
    assert len(heldout) == 300
    trained = set(train)
    for a, b in heldout:
        assert (a, b) not in trained and (b, a) not in trained
    # Every other ordered pair is trained exactly once.
    assert len(train) == len(trained) == 100 * 100 - len({(a, b) for a, b in heldout} | {(b, a) for a, b in heldout})


def test_split_is_seeded_and_covers_one_and_two_digit_operands():
    assert arithmetic.split(50, seed=1) == arithmetic.split(50, seed=1)
    assert arithmetic.split(50, seed=1)[0] != arithmetic.split(50, seed=2)[0]
    _, train = arithmetic.split(50, seed=1)
    assert any(a < 10 and b < 10 for a, b in train) and any(a >= 10 and b >= 10 for a, b in train)


def test_files_have_the_fixed_format_and_copies(tmp_path):
    train, held = tmp_path / "train.jsonl", tmp_path / "held.jsonl"
    arithmetic.main(["--train", str(train), "--heldout", str(held), "--heldout-count", "40", "--copies", "3", "--per-document", "25"])
    problems = [json.loads(l) for l in held.read_text().splitlines()]
    assert len(problems) == 40
    for p in problems:
        assert p["prompt"] == f"{p['a']} + {p['b']} =" and p["answer"] == str(p["a"] + p["b"])
    lines = [l for d in train.read_text().splitlines() for l in json.loads(d)["text"].split("\n")]
    assert len(lines) == 3 * (10000 - len({(p["a"], p["b"]) for p in problems} | {(p["b"], p["a"]) for p in problems}))
    counts = {}
    for l in lines:
        a, plus, b, eq, c = l.split(" ")
        assert plus == "+" and eq == "=" and int(a) + int(b) == int(c)
        counts[l] = counts.get(l, 0) + 1
    assert set(counts.values()) == {3}
    held_lines = {arithmetic.line(p["a"], p["b"]) for p in problems}
    assert not held_lines & set(counts)
