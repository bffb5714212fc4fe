"""Tests for Pipelines/experiment/report.py (seeds, paired statistics, data saving,
arithmetic intervals, charts) and run.py (job commands), on synthetic run directories."""
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Pipelines" / "experiment"))
import report  # noqa: E402
import run as runner  # noqa: E402

CONFIG = {"layers": 2, "d_model": 64, "heads": 4, "context_length": 64, "batch_size": 8, "steps": 100,
          "validation_fraction": 0.01}


def make_run(root, variant, seed, accs, arith, metadata=("tag",), head=False, first=0.5, cont=0.7):
    d = root / variant.replace("+", "plus") / f"seed{seed}"
    d.mkdir(parents=True)
    spec = {"config": dict(CONFIG, seed=seed), "vocabSize": 1000,
            "variant": {"variant": variant.split("-")[0], "metadata": [] if variant == "baseline" else list(metadata), "metadataHead": head}}
    (d / "run.json").write_text(json.dumps(spec))
    (d / "trained").write_text("")
    lines = [json.dumps({"tokens": 1000 * (i + 1), "val_loss": 5 - a, "val_ppl": math.exp(5 - a), "val_acc": a,
                         "train_seconds": 1.0 * (i + 1)}) for i, a in enumerate(accs)]
    (d / "metrics.jsonl").write_text("\n".join(lines) + "\n")
    n = 1000
    (d / "eval.json").write_text(json.dumps({"overall": {"correct": int(accs[-1] * n), "count": n, "loss": 2.0 * n},
                                             "byPiece": {"first": {"correct": int(first * 600), "count": 600, "loss": 1},
                                                         "continuation": {"correct": int(cont * 400), "count": 400, "loss": 1}}}))
    (d / "arith.json").write_text(json.dumps({"accuracy": sum(arith) / len(arith), "correct": sum(arith), "problems": len(arith),
                                              "metadata": "oracle", "outcomes": [bool(x) for x in arith]}))
    return d


def test_wilson_interval_and_bootstrap():
    lo, hi = report.wilson(100, 500)
    assert 0.165 < lo < 0.17 and 0.235 < hi < 0.24  # p = 0.2, n = 500
    assert report.wilson(0, 10)[0] == 0.0
    lo, hi = report.bootstrap([1.0, 2.0, 3.0])
    assert 1.0 <= lo < 2.0 < hi <= 3.0
    m, s, lo, hi = report.t_interval([1.0, 2.0, 3.0])
    assert m == 2.0 and s == 1.0 and math.isclose(hi - m, 4.303 / math.sqrt(3))


def test_crossing_interpolates_and_saving_is_relative_to_the_baselines_tokens():
    assert report.crossing([(100, 0.1), (200, 0.3)], 0.2) == 150
    assert report.crossing([(100, 0.1), (200, 0.15)], 0.2) is None
    base = [(100, 0.1), (200, 0.2), (400, 0.3)]
    assert math.isclose(report.saving(base, [(100, 0.2), (200, 0.4), (400, 0.5)]), 150 / 400)


def test_collect_gives_seeds_means_paired_differences_and_arith_intervals(tmp_path):
    arith_base = [1, 0, 0, 1, 0, 0, 0, 0, 1, 0]
    arith_lime = [1, 1, 0, 1, 0, 1, 0, 0, 1, 0]
    for seed, shift in ((1, 0.0), (2, 0.01), (3, -0.01)):
        make_run(tmp_path, "baseline", seed, [0.1 + shift, 0.2 + shift, 0.3 + shift], arith_base)
        make_run(tmp_path, "lime", seed, [0.2 + shift, 0.3 + shift, 0.35 + shift], arith_lime, first=0.55)
    problems = [{"prompt": "", "answer": "", "a": a, "b": b} for a, b in [(1, 2), (10, 20), (3, 40)] * 3 + [(5, 5)]]
    results, _ = report.collect(str(tmp_path), problems)
    base, lime = results["variants"]["baseline"], results["variants"]["lime"]
    assert [r["seed"] for r in base["seeds"]] == [1, 2, 3]
    assert all("arith_acc" in r and "curve" in r for r in base["seeds"])
    assert math.isclose(base["mean"]["val_acc"], 0.3) and math.isclose(base["std"]["val_acc"], 0.01)
    d = lime["paired_vs_baseline"]["val_acc"]
    assert math.isclose(d["mean"], 0.05) and d["seeds_above_zero"] == 3 and d["t95"][0] > 0
    # lime reaches 0.3 (+shift) at 2000 of the baseline's 3000 tokens in every seed.
    assert all(math.isclose(r["data_saving_fraction"], 2 / 3) for r in lime["seeds"])
    assert not any(r["data_saving_at_first_point"] for r in lime["seeds"]) and not lime["data_saving"]["upper_bound"]
    assert math.isclose(results["data_saving_fraction"], 2 / 3)
    assert math.isclose(lime["arith_acc"], 0.5) and math.isclose(base["arith_acc"], 0.3)
    lo, hi = lime["arith_interval"]
    assert lo < 0.5 < hi
    assert math.isclose(lime["arith_minus_baseline"]["mean"], 0.2)
    assert lime["arith_minus_baseline"]["interval"][0] >= 0  # lime is never worse on a problem
    assert base["arith_by_size"]["1+1"]["problems"] == 4 and math.isclose(base["arith_by_size"]["1+1"]["acc"], 0.5)
    assert math.isclose(lime["mean"]["first_piece_acc"], 0.55) and math.isclose(lime["mean"]["continuation_acc"], 0.7)
    assert "_arith_outcomes" not in base["seeds"][0]


def test_main_writes_report_results_and_charts_with_every_seed(tmp_path):
    runs, out = tmp_path / "runs", tmp_path / "out"
    for seed in (1, 2):
        make_run(runs, "baseline", seed, [0.1, 0.2], [0, 1])
        make_run(runs, "lime+1-predicted", seed, [0.3, 0.4], [1, 1], head=True)
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "arith/0/0", "text": "1 + 2 = 3"}) + "\n" + json.dumps({"id": "web/Gen.1", "text": "x" * 27}) + "\n")
    report.main(["--runs", str(runs), "--out", str(out), "--command", "make experiment-quick", "--started", "0",
                 "--corpus", str(corpus), "--arith-copies", "48"])
    results = json.loads((out / "results.json").read_text())
    assert len(results["variants"]["lime+1-predicted"]["seeds"]) == 2
    assert results["run"]["command"] == "make experiment-quick" and results["run"]["wall_seconds"] > 0
    assert math.isclose(results["arith_share"], 9 / 36) and results["arith_copies"] == 48
    text = (out / "report.md").read_text()
    # lime+1-predicted beats the baseline's final accuracy at its first validation point.
    assert results["variants"]["lime+1-predicted"]["data_saving"]["upper_bound"] and "≤ 0.500" in text
    assert "in the corpus 48 times" in text and "about 25% of the corpus' bytes" in text
    assert "make experiment-quick" in text and "| lime+1-predicted | tag + head |" in text
    chart = (out / "val_acc.svg").read_text()
    # Two seeds (thin) + one mean (thick) per variant.
    assert chart.count("<polyline") == 6 and chart.count('stroke-width="2.5"') == 2


def test_run_commands_pass_seed_metadata_and_head(tmp_path):
    class A:
        lime, data, tokenizer, config, runs, problems, eval_windows, text_data = "lime", "D", "T", "C", str(tmp_path), "P", 64, None
        causal_data = causal_text_data = None
    run, steps = runner.commands(A, "lime+1-predicted", 2)
    train = steps[0][1]
    assert run.endswith("limeplus1-predicted/seed2")
    assert train[:2] == ["lime", "train"] and "--metadata-head" in train and train[train.index("--seed") + 1] == "2"
    assert train[train.index("--variant") + 1] == "lime+1"
    assert any("predicted" in cmd for _, cmd in steps[3:] for cmd in [" ".join(cmd)])
    run, steps = runner.commands(A, "lime-all", 1)
    assert steps[0][1][steps[0][1].index("--metadata") + 1] == "tag,pos,ner" and len(steps) == 3
    (Path(run)).mkdir(parents=True)
    (Path(run) / "checkpoint.lime").write_text("")
    assert runner.commands(A, "lime-all", 1)[1][0][1] == ["lime", "train", "--resume", run]


def test_run_commands_evaluate_the_text_documents_alone_with_text_data(tmp_path):
    class A:
        lime, data, tokenizer, config, runs, problems, eval_windows, text_data = "lime", "D", "T", "C", str(tmp_path), "P", 64, "TEXT"
        causal_data = causal_text_data = None
    run, steps = runner.commands(A, "lime", 1)
    outputs = {Path(o).name: cmd for o, cmd in steps}
    cmd = outputs["eval-text.json"]
    assert cmd[:2] == ["lime", "eval"] and cmd[cmd.index("--data") + 1] == "TEXT"
    assert cmd[cmd.index("--split") + 1] == "validation" and cmd[cmd.index("--json") + 1].endswith("eval-text.json")


def test_causal_variant_trains_and_evaluates_on_the_causal_shards(tmp_path):
    class A:
        lime, data, tokenizer, config, runs, problems, eval_windows, text_data = "lime", "D", "T", "C", str(tmp_path), "P", 64, "TEXT"
        causal_data, causal_text_data = "CD", "CTD"
    def outputs(variant):
        return {Path(o).name: cmd for o, cmd in runner.commands(A, variant, 1)[1]}
    causal = outputs("lime-causal")
    train = causal["trained"]
    assert train[train.index("--data") + 1] == "CD" and train[train.index("--variant") + 1] == "lime"
    assert causal["eval-text.json"][causal["eval-text.json"].index("--data") + 1] == "CTD"
    assert "eval-causal.json" not in causal
    lime = outputs("lime")
    assert lime["trained"][lime["trained"].index("--data") + 1] == "D"
    assert lime["eval-causal.json"][lime["eval-causal.json"].index("--data") + 1] == "CD"
    assert lime["eval-causal.json"][lime["eval-causal.json"].index("--split") + 1] == "validation"
    assert "eval-causal.json" not in outputs("lime-pos")
    A.causal_data = None
    try:
        runner.commands(A, "lime-causal", 1)
        assert False, "lime-causal without causal shards must stop"
    except SystemExit as e:
        assert "--causal-data" in str(e)


def test_causal_tags_are_paired_against_the_baseline(tmp_path):
    runs, out = tmp_path / "runs", tmp_path / "out"
    for seed, shift in ((1, 0.0), (2, 0.01), (3, -0.01)):
        b = make_run(runs, "baseline", seed, [0.2, 0.3 + shift], [0, 1])
        (b / "eval-text.json").write_text(json.dumps({"overall": group(0.2 + shift)}))
        lime = make_run(runs, "lime", seed, [0.3, 0.36 + shift], [1, 1])
        (lime / "eval-causal.json").write_text(json.dumps({"overall": group(0.33 + shift)}))
        c = make_run(runs, "lime-causal", seed, [0.25, 0.32 + shift], [0, 1])
        (c / "eval-text.json").write_text(json.dumps({"overall": group(0.19 + shift)}))
    report.main(["--runs", str(runs), "--out", str(out)])
    results = json.loads((out / "results.json").read_text())
    lime, causal = results["variants"]["lime"], results["variants"]["lime-causal"]
    assert math.isclose(lime["mean"]["causal_eval_acc"], 0.33)
    assert math.isclose(lime["paired_vs_baseline"]["causal_eval_acc"]["mean"], 0.03)
    assert math.isclose(causal["paired_vs_baseline"]["eval_acc"]["mean"], 0.02)
    assert math.isclose(causal["paired_vs_baseline"]["text_eval_acc"]["mean"], -0.01)
    md = (out / "report.md").read_text()
    assert "## LIME with causal tags" in md
    assert "| lime | full context | causal | 0.3300" in md
    assert "- LIME trained and evaluated on causal tags: accuracy +0.0200 vs baseline" in md
    assert "- the same on text alone: accuracy -0.0100 vs baseline, 95% t interval [-0.0100, -0.0100]: worse than the baseline (3 of 3 seeds below it)" in md
    assert "- LIME trained on full-context tags, fed causal ones: accuracy +0.0300 vs baseline" in md


def group(acc, n=1000):
    return {"correct": round(acc * n), "count": n, "loss": 2.0 * n}


def test_oracle_free_and_text_only_figures_are_paired_against_the_baseline(tmp_path):
    runs, out = tmp_path / "runs", tmp_path / "out"
    for seed, shift in ((1, 0.0), (2, 0.01), (3, -0.01)):
        b = make_run(runs, "baseline", seed, [0.2, 0.3 + shift], [0, 1])
        (b / "eval-text.json").write_text(json.dumps({"overall": group(0.2 + shift)}))
        h = make_run(runs, "lime+1-predicted", seed, [0.4, 0.5 + shift], [1, 1], head=True)
        e = json.loads((h / "eval.json").read_text())
        e["head"] = {"tag": group(0.6)}
        e["modes"] = {"predicted": {"overall": group(0.15 + shift), "head": {"tag": group(0.3)}}, "none": {"overall": group(0.18)}}
        (h / "eval.json").write_text(json.dumps(e))
        (h / "eval-text.json").write_text(json.dumps({"overall": group(0.4 + shift), "modes": {
            "predicted": {"overall": group(0.05 + shift), "head": {"tag": group(0.25)}}, "none": {"overall": group(0.07)}}}))
    # A run still training is left out: its figures are of another budget.
    unfinished = make_run(runs, "lime", 1, [0.9], [1, 1])
    (unfinished / "trained").unlink()
    data, text = tmp_path / "data", tmp_path / "text"
    for d, tokens in ((data, 1000), (text, 600)):
        d.mkdir()
        (d / "manifest.json").write_text(json.dumps({"tokens": tokens}))
    report.main(["--runs", str(runs), "--out", str(out), "--data", str(data), "--text-data", str(text)])
    results = json.loads((out / "results.json").read_text())
    assert "lime" not in results["variants"]
    assert math.isclose(results["arith_token_share"], 0.4)
    v = results["variants"]["lime+1-predicted"]
    assert math.isclose(v["mean"]["head_tag_acc"], 0.3) and math.isclose(v["mean"]["head_tag_acc_oracle_inputs"], 0.6)
    assert math.isclose(v["mean"]["val_acc_predicted"], 0.15) and "val_acc_predicted" not in results["variants"]["baseline"]["seeds"][0]
    assert math.isclose(v["mean"]["text_eval_acc_predicted"], 0.05) and math.isclose(v["mean"]["text_head_tag_acc"], 0.25)
    # Own-head accuracy against the baseline's (which needs no metadata): 0.15 - 0.30 per seed.
    d = v["paired_vs_baseline"]["eval_acc_predicted"]
    assert math.isclose(d["mean"], -0.15) and d["seeds_above_zero"] == 0
    assert math.isclose(v["paired_vs_baseline"]["text_eval_acc_predicted"]["mean"], -0.15)
    assert math.isclose(v["paired_vs_baseline"]["text_eval_acc"]["mean"], 0.2)
    md = (out / "report.md").read_text()
    assert "## Without oracle metadata, and on text alone" in md
    assert "Without oracle metadata (its head's own tags, fed step by step): accuracy -0.1500 vs baseline" in md
    assert "worse than the baseline (3 of 3 seeds below it)" in md
    assert "On text alone (the validation documents without arithmetic): accuracy +0.2000 vs baseline" in md
    # Arithmetic: 1 of 2 problems for the baseline, 2 of 2 for the head variant, in every seed.
    assert "over seeds, 95% t interval [0.500, 0.500]: better than the baseline (3 of 3 seeds above it)" in md
