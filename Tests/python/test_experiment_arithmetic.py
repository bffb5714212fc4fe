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


def test_plain_is_the_default_and_reversed_pads_operands_and_writes_the_sum_backwards():
    assert arithmetic.line(7, 45) == arithmetic.line(7, 45, "plain") == "7 + 45 = 52"
    assert arithmetic.line(37, 45, "reversed") == "37 + 45 = 280"
    assert arithmetic.line(7, 5, "reversed") == "07 + 05 = 210"
    assert arithmetic.line(99, 99, "reversed") == "99 + 99 = 891"
    assert arithmetic.prompt(0, 3, "reversed") == "00 + 03 =" and arithmetic.answer(0, 3, "reversed") == "300"
    assert arithmetic.prompt(0, 3) == "0 + 3 =" and arithmetic.answer(0, 3) == "3"


def files(tmp_path, form):
    train, held = tmp_path / "train.jsonl", tmp_path / "held.jsonl"
    arithmetic.main(["--train", str(train), "--heldout", str(held), "--heldout-count", "40", "--copies", "3",
                     "--per-document", "25", "--format", form])
    problems = [json.loads(l) for l in held.read_text().splitlines()]
    lines = [l for d in train.read_text().splitlines() for l in json.loads(d)["text"].split("\n")]
    return problems, lines


def test_files_have_the_fixed_format_and_copies(tmp_path):
    for form, width, value in (("plain", None, int), ("reversed", 2, lambda s: int(s[::-1]))):
        problems, lines = files(tmp_path, form)
        assert len(problems) == 40
        for p in problems:
            assert p["format"] == form and p["prompt"] + " " + p["answer"] == arithmetic.line(p["a"], p["b"], form)
            assert value(p["answer"]) == p["a"] + p["b"]
        assert len(lines) == 3 * (10000 - len({(p["a"], p["b"]) for p in problems} | {(p["b"], p["a"]) for p in problems}))
        counts = {}
        for l in lines:
            a, plus, b, eq, c = l.split(" ")
            assert plus == "+" and eq == "=" and int(a) + int(b) == value(c)
            if width:  # every problem has the same shape: 2 + 2 digits, a 3-digit sum
                assert len(a) == len(b) == width and len(c) == width + 1
            counts[l] = counts.get(l, 0) + 1
        assert set(counts.values()) == {3}
        held_lines = {arithmetic.line(p["a"], p["b"], form) for p in problems}
        assert not held_lines & set(counts)
