#!/usr/bin/env python3
"""Writes report.md, results.json and SVG charts from the ablation's runs: per variant one
run directory per seed (RUNS/<variant>/seed<N>/ with run.json, metrics.jsonl, eval.json,
arith.json; `Pipelines/experiment/run.py` makes them). No plotting or statistics library.

usage: report.py --runs experiment/runs --out experiment [--problems heldout.jsonl]
                 [--command "make experiment"] [--started UNIX_SECONDS]

Statistics (all over the seeds, which set initialization and data order together):
- per metric the mean and sample standard deviation over seeds;
- paired differences against the baseline of the same seed: mean, sd and a 95% t interval;
- data-saving fraction per seed: training tokens at which the variant's validation
  accuracy curve first reaches the same-seed baseline's final accuracy (linear
  interpolation between validation points), over the baseline's tokens; its 95% interval is
  a bootstrap over seeds (resampling the per-seed pairs) and a t interval;
- arithmetic exact match: per seed with a Wilson interval (500 problems), the mean over seeds
  with a bootstrap interval over problems (the same problems for every seed and variant,
  so the differences against the baseline are paired per problem too).
"""
import argparse
import json
import math
import os
import random
import subprocess
import time

VARIANTS = ["baseline", "lime", "lime-pos", "lime-ner", "lime-all", "lime+1", "lime+1-predicted", "lime-causal"]
COLORS = {"baseline": "#444444", "lime": "#1f77b4", "lime-pos": "#2ca02c", "lime-ner": "#9467bd",
          "lime-all": "#8c564b", "lime+1": "#d62728", "lime+1-predicted": "#ff7f0e", "lime-causal": "#17becf"}
# Two-sided 95% Student t critical values by degrees of freedom.
T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228}


def params(spec):
    """Parameter count, mirroring LimeTransformer's Transformer.layout."""
    c = spec["config"]
    d, L, v = c["d_model"], c["layers"], spec["vocabSize"]
    f = c.get("mlp_width") or (8 * d // 3 + 31) // 32 * 32
    sizes = {"tag": 53, "pos": 21, "ner": 40}
    meta = sum(sizes[k] * d + 1 for k in spec["variant"]["metadata"])
    head = sum(sizes[k] * (d + 1) for k in spec["variant"]["metadata"]) if spec["variant"].get("metadataHead") else 0
    return v * d + meta + L * (d + 3 * d * d + d * d + d + 2 * d * f + f * d) + d + head, meta + head


def mean(xs):
    xs = [x for x in xs if x is not None]
    return sum(xs) / len(xs) if xs else None


def sd(xs):
    xs = [x for x in xs if x is not None]
    if len(xs) < 2: return None
    m = mean(xs)
    return math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1))


def t_interval(xs):
    """(mean, sd, lo, hi) of a 95% t interval, or Nones for fewer than two values."""
    xs = [x for x in xs if x is not None]
    m, s = mean(xs), sd(xs)
    if s is None: return m, s, None, None
    h = T95.get(len(xs) - 1, 1.96) * s / math.sqrt(len(xs))
    return m, s, m - h, m + h


def wilson(correct, n, z=1.96):
    """95% Wilson score interval of a binomial proportion."""
    if n == 0: return None, None
    p = correct / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def percentile(sorted_xs, q):
    k = (len(sorted_xs) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return sorted_xs[lo] + (sorted_xs[hi] - sorted_xs[lo]) * (k - lo)


def bootstrap(values, statistic=mean, draws=4000, seed=12345):
    """95% percentile bootstrap interval of `statistic` over resamples of `values`."""
    values = [v for v in values if v is not None]
    if len(values) < 2: return None, None
    rng = random.Random(seed)
    stats = sorted(statistic([rng.choice(values) for _ in values]) for _ in range(draws))
    return percentile(stats, 0.025), percentile(stats, 0.975)


def problem_bootstrap(outcomes_by_seed, base_by_seed=None, draws=2000, seed=777):
    """95% bootstrap interval over problems of the mean accuracy over seeds (or, with
    `base_by_seed`, of the mean paired difference to the baseline). Every list holds one
    bool per problem, the same problems in the same order."""
    n = len(outcomes_by_seed[0])
    if n == 0: return None, None
    rng = random.Random(seed)
    k = len(outcomes_by_seed)
    # Per problem, the summed (difference of) outcomes over seeds.
    per = [sum(o[i] for o in outcomes_by_seed) - (sum(b[i] for b in base_by_seed) if base_by_seed else 0) for i in range(n)]
    stats = sorted(sum(per[rng.randrange(n)] for _ in range(n)) / (n * k) for _ in range(draws))
    return percentile(stats, 0.025), percentile(stats, 0.975)


def crossing(curve, target):
    """Tokens at which `curve` ([(tokens, acc)], increasing tokens) first reaches `target`,
    interpolated linearly between validation points; None if never."""
    prev = (0, None)
    for tokens, acc in curve:
        if acc >= target:
            if prev[1] is None or prev[1] >= target: return tokens
            return prev[0] + (tokens - prev[0]) * (target - prev[1]) / (acc - prev[1])
        prev = (tokens, acc)
    return None


def saving(base_curve, curve):
    """Data-saving fraction: tokens the variant needs to reach the baseline's final accuracy
    over the baseline's tokens (1 - this is the saving); None if never reached."""
    target, total = base_curve[-1][1], base_curve[-1][0]
    first = crossing(curve, target)
    return first / total if first is not None else None


def read_json(path):
    return json.load(open(path)) if os.path.exists(path) else None


def eval_figures(e, prefix=""):
    """The figures of one `lime eval --json` output, their keys prefixed with `prefix`."""
    g = lambda x: x["correct"] / x["count"] if x and x.get("count") else None
    by, modes = e.get("byPiece") or {}, e.get("modes") or {}
    f = {"eval_acc": g(e["overall"]), "eval_loss": e["overall"]["loss"] / e["overall"]["count"],
         "eval_count": e["overall"]["count"], "first_piece_acc": g(by.get("first")),
         "continuation_acc": g(by.get("continuation")), "first_piece_count": (by.get("first") or {}).get("count"),
         "continuation_count": (by.get("continuation") or {}).get("count")}
    predicted, none = modes.get("predicted"), modes.get("none")
    if predicted:
        pby = predicted.get("byPiece") or {}
        f["eval_acc_predicted"] = g(predicted["overall"])
        f["first_piece_acc_predicted"] = g(pby.get("first"))
        f["continuation_acc_predicted"] = g(pby.get("continuation"))
        # The head's tag accuracy where it matters: its new-word predictions while it feeds
        # itself (the `predicted` mode), not its accuracy next to oracle inputs.
        tag = (predicted.get("head") or {}).get("tag")
        if tag: f["head_tag_acc"] = g(tag)
    if none: f["eval_acc_no_metadata"] = g(none["overall"])
    tag = (e.get("head") or {}).get("tag")
    if tag: f["head_tag_acc_oracle_inputs"] = g(tag)
    return {prefix + k: v for k, v in f.items()}


def seed_result(run):
    """One seed's figures from its run directory."""
    spec = json.load(open(os.path.join(run, "run.json")))
    metrics = [json.loads(l) for l in open(os.path.join(run, "metrics.jsonl")) if l.strip()]
    last = metrics[-1]
    r = {"seed": spec["config"].get("seed", 1), "val_loss": last["val_loss"], "val_ppl": last["val_ppl"],
         "val_acc": last["val_acc"], "tokens": last["tokens"],
         "tokens_per_s": last["tokens"] / last["train_seconds"] if last.get("train_seconds") else None,
         "curve": [[p["tokens"], p["val_loss"], p["val_acc"]] for p in metrics]}
    # eval.json: the run's own validation windows; eval-text.json: the same documents without
    # the arithmetic ones; eval-causal.json (plain lime): fed tags annotated in causal context.
    for name, prefix in (("eval.json", ""), ("eval-text.json", "text_"), ("eval-causal.json", "causal_")):
        e = read_json(os.path.join(run, name))
        if e: r.update(eval_figures(e, prefix))
    # Issue 13's name for it: validation accuracy with the head's own metadata (no oracle).
    if r.get("eval_acc_predicted") is not None: r["val_acc_predicted"] = r["eval_acc_predicted"]
    for name, key in (("arith.json", "arith"), ("arith-predicted.json", "arith_predicted")):
        a = read_json(os.path.join(run, name))
        if a:
            r[key + "_acc"] = a["accuracy"]
            r[key + "_correct"] = a["correct"]
            r[key + "_problems"] = a["problems"]
            r[key + "_interval"] = list(wilson(a["correct"], a["problems"]))
            r[key + "_metadata"] = a.get("metadata")
            r["_" + key + "_outcomes"] = a.get("outcomes")
    return spec, r


SUMMARY = ["val_loss", "val_acc", "val_acc_predicted", "eval_acc", "first_piece_acc", "continuation_acc", "arith_acc", "arith_predicted_acc",
           "eval_acc_predicted", "eval_acc_no_metadata", "head_tag_acc", "head_tag_acc_oracle_inputs",
           "text_eval_acc", "text_eval_loss", "text_first_piece_acc", "text_continuation_acc", "text_eval_acc_predicted",
           "text_eval_acc_no_metadata", "text_head_tag_acc", "causal_eval_acc", "tokens_per_s",
           "data_saving_fraction"]
# Paired comparisons against the baseline: (name, the variant's figure, the baseline's figure).
PAIRED = [(k, k, k) for k in ("val_loss", "val_acc", "eval_acc", "first_piece_acc", "continuation_acc", "arith_acc", "text_eval_acc")] + [
    ("eval_acc_predicted", "eval_acc_predicted", "eval_acc"), ("eval_acc_no_metadata", "eval_acc_no_metadata", "eval_acc"),
    ("text_eval_acc_predicted", "text_eval_acc_predicted", "text_eval_acc"),
    ("text_eval_acc_no_metadata", "text_eval_acc_no_metadata", "text_eval_acc"),
    ("causal_eval_acc", "causal_eval_acc", "eval_acc")]


def by_size(problems, outcomes_by_seed):
    """Mean accuracy over seeds per operand-length class (1+1, 1+2, 2+2 digits)."""
    if not problems or not outcomes_by_seed: return None
    classes = {}
    for i, p in enumerate(problems):
        if "a" not in p: return None
        c = "+".join(sorted(str(len(str(x))) for x in (p["a"], p["b"])))
        classes.setdefault(c, []).append(i)
    return {c: {"problems": len(ix), "acc": mean([mean([float(o[i]) for i in ix]) for o in outcomes_by_seed])}
            for c, ix in sorted(classes.items())}


def collect(runs, problems=None):
    """results.json's content from the run directories."""
    results, specs = {"variants": {}}, {}
    for name in VARIANTS:
        vdir = os.path.join(runs, name.replace("+", "plus"))
        if not os.path.isdir(vdir): continue
        seeds = []
        for entry in sorted(os.listdir(vdir)):
            run = os.path.join(vdir, entry)
            # A run still training (no `trained` marker from run.py) would mix budgets: left out.
            if entry.startswith("seed") and os.path.exists(os.path.join(run, "trained")):
                spec, r = seed_result(run)
                if r["curve"]: specs[name] = spec; seeds.append(r)
        if seeds:
            seeds.sort(key=lambda r: r["seed"])
            p, meta = params(specs[name])
            results["variants"][name] = {"seeds": seeds, "params": p, "metadata_params": meta, "metadata_share": meta / p,
                                         "metadata": specs[name]["variant"]["metadata"],
                                         "metadata_head": bool(specs[name]["variant"].get("metadataHead"))}
    base = results["variants"].get("baseline")
    base_by_seed = {r["seed"]: r for r in base["seeds"]} if base else {}
    for name, v in results["variants"].items():
        for r in v["seeds"]:
            b = base_by_seed.get(r["seed"])
            r["data_saving_fraction"] = saving([(t, a) for t, _, a in b["curve"]], [(t, a) for t, _, a in r["curve"]]) if b else None
            # Reached at the first validation point: the fraction is only an upper bound.
            r["data_saving_at_first_point"] = bool(b) and r["curve"][0][2] >= b["curve"][-1][2]
        v["mean"] = {k: mean([r.get(k) for r in v["seeds"]]) for k in SUMMARY}
        v["std"] = {k: sd([r.get(k) for r in v["seeds"]]) for k in SUMMARY}
        v["arith_acc"] = v["mean"]["arith_acc"]
        for key in ("arith", "arith_predicted"):
            outs = [r.get("_" + key + "_outcomes") for r in v["seeds"]]
            if outs and all(outs):
                v[key + "_interval"] = list(problem_bootstrap(outs))
                v[key + "_by_size"] = by_size(problems, outs)
                bouts = [base_by_seed[r["seed"]].get("_arith_outcomes") for r in v["seeds"] if r["seed"] in base_by_seed]
                if name != "baseline" and len(bouts) == len(outs) and all(bouts):
                    d = mean([mean([float(x) for x in o]) - mean([float(x) for x in b]) for o, b in zip(outs, bouts)])
                    v[key + "_minus_baseline"] = {"mean": d, "interval": list(problem_bootstrap(outs, bouts))}
        if name != "baseline" and base:
            paired = {}
            for k, mine, theirs in PAIRED:
                diffs = [r.get(mine) - base_by_seed[r["seed"]].get(theirs) for r in v["seeds"]
                         if r["seed"] in base_by_seed and r.get(mine) is not None and base_by_seed[r["seed"]].get(theirs) is not None]
                if not diffs: continue
                m, s, lo, hi = t_interval(diffs)
                paired[k] = {"n": len(diffs), "mean": m, "sd": s, "t95": [lo, hi],
                             "seeds_above_zero": sum(1 for d in diffs if d > 0)}
            v["paired_vs_baseline"] = paired
            fractions = [r["data_saving_fraction"] for r in v["seeds"]]
            m, s, lo, hi = t_interval(fractions)
            v["data_saving"] = {"per_seed": fractions, "mean": m, "sd": s, "t95": [lo, hi],
                                "upper_bound": any(r["data_saving_at_first_point"] for r in v["seeds"]),
                                "bootstrap95_over_seeds": list(bootstrap(fractions)),
                                "reached": sum(1 for f in fractions if f is not None), "n": len(fractions)}
    for v in results["variants"].values():
        for r in v["seeds"]:
            for key in [k for k in r if k.startswith("_")]: r.pop(key)
    if "lime" in results["variants"]:
        results["data_saving_fraction"] = results["variants"]["lime"].get("data_saving", {}).get("mean")
    return results, specs


def svg(results, index, label, path):
    """Line chart: every seed's curve (thin) and the mean over seeds (thick) per variant.
    Hand-written SVG: no plotting stack in `make deps` for two charts."""
    w, h, m = 720, 440, 60
    series = {n: v["seeds"] for n, v in results["variants"].items()}
    pts = [(p[0], p[index]) for s in series.values() for r in s for p in r["curve"] if math.isfinite(p[index])]
    if not pts: return
    x0, x1 = 0, max(x for x, _ in pts)
    y0, y1 = min(y for _, y in pts), max(y for _, y in pts)
    if y1 == y0: y1 = y0 + 1
    if x1 == x0: x1 = x0 + 1
    X = lambda x: m + (w - 2 * m - 110) * (x - x0) / (x1 - x0)
    Y = lambda y: h - m - (h - 2 * m) * (y - y0) / (y1 - y0)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<line x1="{m}" y1="{h-m}" x2="{w-m-110}" y2="{h-m}" stroke="black"/>',
           f'<line x1="{m}" y1="{m}" x2="{m}" y2="{h-m}" stroke="black"/>',
           f'<text x="{(w-110)/2}" y="{h-15}" text-anchor="middle">training tokens (thin: each seed; thick: mean over seeds)</text>',
           f'<text x="15" y="{h/2}" transform="rotate(-90 15 {h/2})" text-anchor="middle">{label}</text>']
    for i in range(5):
        yv = y0 + (y1 - y0) * i / 4; xv = x0 + (x1 - x0) * i / 4
        out.append(f'<text x="{m-5}" y="{Y(yv)+4:.1f}" text-anchor="end">{yv:.3g}</text>')
        out.append(f'<text x="{X(xv):.1f}" y="{h-m+15}" text-anchor="middle">{xv:.3g}</text>')
    for j, (name, seeds) in enumerate(series.items()):
        color = COLORS.get(name, "green")
        for r in seeds:
            line = " ".join(f"{X(p[0]):.1f},{Y(p[index]):.1f}" for p in r["curve"] if math.isfinite(p[index]))
            out.append(f'<polyline fill="none" stroke="{color}" stroke-opacity="0.35" stroke-width="1" points="{line}"/>')
        # Mean over seeds at the validation points all seeds share.
        common = sorted(set.intersection(*[{p[0] for p in r["curve"]} for r in seeds]))
        at = [{p[0]: p[index] for p in r["curve"]} for r in seeds]
        line = " ".join(f"{X(t):.1f},{Y(mean([a[t] for a in at])):.1f}" for t in common
                        if all(math.isfinite(a[t]) for a in at))
        out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2.5" points="{line}"/>')
        out.append(f'<text x="{w-m-100}" y="{m+16*j}" fill="{color}">{name} ({len(seeds)})</text>')
    out.append("</svg>")
    with open(path, "w") as fh: fh.write("\n".join(out) + "\n")


def fmt(x, digits=4):
    return "n/a" if x is None else f"{x:.{digits}f}"


def pm(v, k, digits=4):
    m, s = v["mean"].get(k), v["std"].get(k)
    if m is None: return "n/a"
    return fmt(m, digits) + ("" if s is None else " ± " + fmt(s, digits))


def interval(iv, digits=3):
    return "n/a" if not iv or iv[0] is None else f"[{iv[0]:.{digits}f}, {iv[1]:.{digits}f}]"


def arith_share(corpus):
    """Share of the corpus' text bytes in arithmetic documents (ids `arith/...`)."""
    total = arith = 0
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            n = len(doc["text"].encode("utf-8"))
            total += n
            arith += n if doc["id"].startswith("arith/") else 0
    return arith / total if total else None


def git_commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def verdict(d):
    """Plain words for a paired difference's 95% interval."""
    lo, hi = d["t95"]
    if lo > 0: return f"better than the baseline ({d['seeds_above_zero']} of {d['n']} seeds above it)"
    if hi < 0: return f"worse than the baseline ({d['n'] - d['seeds_above_zero']} of {d['n']} seeds below it)"
    return f"not distinguishable from the baseline ({d['seeds_above_zero']} of {d['n']} seeds above it)"


def honest_section(V):
    """The table of what a user without oracle metadata gets, on all validation text and on
    the text documents alone."""
    rows = [(name, v) for name, v in V.items() if any(v["mean"].get(k) is not None for k in ("eval_acc", "text_eval_acc"))]
    if not rows: return []
    text = ["## Without oracle metadata, and on text alone", "",
            "| variant | eval acc (data's metadata) | own head's tags | no metadata | head tag acc (own inputs) | text: data's metadata | text: own head's tags | text: no metadata | text: Δ vs baseline, no oracle (95% t) |",
            "|---|---|---|---|---|---|---|---|---|"]
    for name, v in rows:
        paired = v.get("paired_vs_baseline") or {}
        # What a user gets without oracle tags: the head's own for lime+1 with a head, the
        # data's for plain LIME (an annotator gives them from the text), nothing otherwise.
        key = "text_eval_acc_predicted" if v["mean"].get("text_eval_acc_predicted") is not None else (
            "text_eval_acc_no_metadata" if name.startswith("lime+1") else "text_eval_acc")
        d = paired.get(key)
        delta = "—" if not d or d["mean"] is None else f"{d['mean']:+.4f} {interval(d['t95'], 4)}" + (
            "" if key == "text_eval_acc" else " (" + ("own head" if key.endswith("predicted") else "no metadata") + ")")
        text.append(f"| {name} | {pm(v, 'eval_acc')} | {pm(v, 'eval_acc_predicted')} | {pm(v, 'eval_acc_no_metadata')} | "
                    f"{pm(v, 'head_tag_acc')} | {pm(v, 'text_eval_acc')} | {pm(v, 'text_eval_acc_predicted')} | "
                    f"{pm(v, 'text_eval_acc_no_metadata')} | {delta} |")
    text += ["", "`lime eval` on the same validation windows with the metadata fed from three sources: the data's "
             "(for `lime+1` the true tags of the token to predict: an oracle no user has), the head's own "
             "predictions word by word as in unguided generation (`lime+1-predicted` only), and none (`<unk>` "
             "everywhere). Head tag acc: the head's accuracy on the tag of each new word while it feeds itself. "
             "`text:` the same on the validation documents without the arithmetic ones (`lime eval --split "
             "validation` on a shard set of the text documents only), where the arithmetic lines (digits that "
             "are easy to predict once the format is learnt) do not weigh in. The last column is what a user "
             "gets without oracle metadata: plain LIME fed by the annotator, `lime+1` by its own head (or "
             "nothing, without a head), against the baseline of the same seed.", ""]
    return text


def causal_section(V):
    """Plain LIME with tags a left-to-right model could have (annotated in causal context: each
    token's tags from the text up to it), trained on them (`lime-causal`) or only fed them."""
    lime, causal = V.get("lime"), V.get("lime-causal")
    fed = lime and lime["mean"].get("causal_eval_acc") is not None
    if not causal and not fed: return []
    text = ["## LIME with causal tags", "",
            "| variant | trained on tags | evaluated with tags | eval acc | Δ vs baseline (95% t) | text acc | Δ text vs baseline (95% t) |",
            "|---|---|---|---|---|---|---|"]

    def delta(v, key):
        d = (v.get("paired_vs_baseline") or {}).get(key)
        return "—" if not d or d["mean"] is None else f"{d['mean']:+.4f} {interval(d['t95'], 4)}"
    if lime:
        text.append(f"| lime | full context | full context | {pm(lime, 'eval_acc')} | {delta(lime, 'eval_acc')} | "
                    f"{pm(lime, 'text_eval_acc')} | {delta(lime, 'text_eval_acc')} |")
    if fed:
        text.append(f"| lime | full context | causal | {pm(lime, 'causal_eval_acc')} | {delta(lime, 'causal_eval_acc')} | — | — |")
    if causal:
        text.append(f"| lime-causal | causal | causal | {pm(causal, 'eval_acc')} | {delta(causal, 'eval_acc')} | "
                    f"{pm(causal, 'text_eval_acc')} | {delta(causal, 'text_eval_acc')} |")
    text += ["", "Causal tags come from the native annotator in causal context (`lime run --annotation-context causal`, "
             "the shipped causal model): a token's tags depend on the text up to and including it, never on later "
             "words, so they are metadata a model generating left to right could have. Same documents, pieces, "
             "windows and seeds as the other variants; only the tags differ.", ""]
    for name, v, key, what in (("lime-causal", causal, "eval_acc", "LIME trained and evaluated on causal tags"),
                               ("lime-causal", causal, "text_eval_acc", "the same on text alone"),
                               ("lime", lime, "causal_eval_acc", "LIME trained on full-context tags, fed causal ones")):
        d = v and (v.get("paired_vs_baseline") or {}).get(key)
        if d and d["mean"] is not None and d["t95"][0] is not None:
            text.append(f"- {what}: accuracy {d['mean']:+.4f} vs baseline, 95% t interval {interval(d['t95'], 4)}: {verdict(d)}.")
    ds = causal and causal.get("data_saving")
    if ds and ds["mean"] is not None:
        text.append(f"- lime-causal reaches the baseline's final accuracy after {100 * ds['mean']:.1f}% of the tokens "
                    f"(saving {100 * (1 - ds['mean']):.1f}%, bootstrap over seeds {interval(ds['bootstrap95_over_seeds'])}).")
    return text + [""]


def render(results, specs, command=None, copies=None):
    V = results["variants"]
    base = V.get("baseline")
    any_spec = specs.get("baseline") or next(iter(specs.values()))
    c = any_spec["config"]
    seeds = sorted({r["seed"] for v in V.values() for r in v["seeds"]})
    run = results.get("run", {})
    text = ["# LIME ablation", "",
            f"`{command or run.get('command') or 'make experiment'}` at commit {run.get('commit') or 'n/a'}"
            + (f", {run['wall_seconds'] / 60:.1f} minutes wall time" if run.get("wall_seconds") else "")
            + (f" ({run['finished']})" if run.get("finished") else "") + "; raw numbers in `results.json`.", "",
            "Data: Debian handbook, World English Bible, Python and Linux documentation, ordinary prose (Lee news "
            "corpus and a shortened English Wikipedia sample from gensim's test data) and the arithmetic problems, "
            "shuffled by document into one corpus, through `lime run` (native annotator); validation: "
            f"{100 * c['validation_fraction']:g}% of the documents, chosen by hash (the same for every seed).", "",
            f"Model: {c['layers']} layers, d_model {c['d_model']}, {c['heads']} heads, context {c['context_length']}, "
            f"vocabulary {any_spec['vocabSize']}, {base['params'] if base else 'n/a'} parameters (baseline); batch "
            f"{c['batch_size']} windows, {c['steps']} steps ({c['steps'] * c['batch_size'] * c['context_length']:,} "
            f"training tokens), seeds {', '.join(map(str, seeds))} (each seed sets initialization and data order; "
            "variants with the same seed see the same windows in the same order).", ""]
    text += ["| variant | metadata | params (metadata) | val loss | val acc | Δ val acc vs baseline (95% t) | first-piece acc | continuation acc | arith acc (95% CI) | data-saving fraction (95% bootstrap) | tokens/s |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, v in V.items():
        d = (v.get("paired_vs_baseline") or {}).get("val_acc")
        delta = "—" if not d or d["mean"] is None else f"{d['mean']:+.4f} {interval(d['t95'], 4)} ({d['seeds_above_zero']}/{d['n']} seeds > 0)"
        ds = v.get("data_saving")
        dsv = "—" if not ds else ("not reached" if ds["mean"] is None else
                                  ("≤ " if ds.get("upper_bound") else "") +
                                  f"{ds['mean']:.3f} {interval(ds['bootstrap95_over_seeds'])} ({ds['reached']}/{ds['n']} reached)")
        meta = ",".join(v["metadata"]) if name != "baseline" else "none"
        if v["metadata_head"]: meta += " + head"
        text.append(f"| {name} | {meta} | {v['params']} ({v['metadata_params']}) | {pm(v, 'val_loss')} | {pm(v, 'val_acc')} | {delta} | "
                    f"{pm(v, 'first_piece_acc')} | {pm(v, 'continuation_acc')} | {fmt(v['mean'].get('arith_acc'), 3)} {interval(v.get('arith_interval'))} | "
                    f"{dsv} | {fmt(v['mean'].get('tokens_per_s'), 0)} |")
    text += ["", "Mean ± standard deviation over seeds. `val loss`/`val acc`: the trainer's last validation "
             "(metadata variants with the data's metadata; for `lime+1` the next token's, i.e. oracle). First-piece / "
             "continuation: `lime eval` accuracy on targets that start a word vs the other pieces of a word (the "
             "paper's token-coupling analysis). Δ: paired difference to the baseline of the same seed. Arith: exact "
             "answers on the held-out problems, interval a bootstrap over problems of the mean over seeds (it "
             "leaves out the variation between seeds, which the per-seed figures below show).", ""]
    # Arithmetic details.
    text += ["## Arithmetic probe", "",
             "| variant | metadata of the answer | per seed (Wilson 95%) | mean | vs baseline (paired, 95% bootstrap over problems) | by operand digits |",
             "|---|---|---|---|---|---|"]
    for name, v in V.items():
        for key, how in (("arith", "oracle" if name != "baseline" else "none"), ("arith_predicted", "own head")):
            if v["mean"].get(key + "_acc") is None: continue
            per = "; ".join(f"{r[key + '_acc']:.3f} {interval(r.get(key + '_interval'))}" for r in v["seeds"] if r.get(key + "_acc") is not None)
            vs = v.get(key + "_minus_baseline")
            vs = "—" if not vs else f"{vs['mean']:+.3f} {interval(vs['interval'])}"
            sizes = v.get(key + "_by_size") or {}
            sz = ", ".join(f"{k}: {s['acc']:.2f} (n={s['problems']})" for k, s in sizes.items()) or "n/a"
            text.append(f"| {name} | {how} | {per} | {fmt(v['mean'][key + '_acc'], 3)} {interval(v.get(key + '_interval'))} | {vs} | {sz} |")
    text += ["", "Problems `a + b =` with a, b in 0..99; the held-out unordered pairs never occur in training in "
             "either order; every other problem is in the corpus " + (f"{copies} times" if copies else "several times") + " (`arithmetic.py`), "
             "about " + (f"{100 * results['arith_share']:.0f}%" if results.get("arith_share") else "n/a") + " of the corpus' bytes"
             + (f" and {100 * results['arith_token_share']:.0f}% of its tokens (one piece per digit)" if results.get("arith_token_share") else "")
             + ". An answer counts when "
             "the first word generated (greedy) is exactly the sum. LIME variants get the oracle metadata of the "
             "answer (what the annotator gives it in the full problem); `lime+1-predicted` also without any guide "
             "(its head predicts the answer's tag).", ""]
    text += honest_section(V)
    text += causal_section(V)
    # Statements.
    text += ["## What the seeds say", ""]
    if base:
        b = base["mean"].get("arith_acc")
        iv = base.get("arith_interval")
        text.append(f"- Baseline arithmetic: {fmt(b, 3)} exact {interval(iv)}; the issue's bar is 0.20: "
                    + ("met." if b is not None and iv and iv[0] is not None and iv[0] >= 0.20 else
                       "met by the mean, not by the whole interval." if b is not None and b >= 0.20 else "not met."))
    for name, v in V.items():
        if name == "baseline": continue
        d = (v.get("paired_vs_baseline") or {}).get("val_acc")
        if d and d["mean"] is not None and d["t95"][0] is not None:
            sig = "excludes 0" if d["t95"][0] > 0 or d["t95"][1] < 0 else "includes 0"
            text.append(f"- {name}: validation accuracy {d['mean']:+.4f} vs baseline, 95% t interval {interval(d['t95'], 4)} ({sig}; "
                        f"{d['seeds_above_zero']} of {d['n']} seeds above the baseline).")
        elif d and d["mean"] is not None:
            text.append(f"- {name}: validation accuracy {d['mean']:+.4f} vs baseline ({d['n']} seed: no interval).")
        else:
            text.append(f"- {name}: no paired comparison (no baseline run with the same seed).")
        ds = v.get("data_saving")
        if ds and ds["mean"] is not None:
            text.append(f"  Data: it reaches the baseline's final accuracy after {100 * ds['mean']:.1f}% of the tokens on average "
                        f"(saving {100 * (1 - ds['mean']):.1f}%), bootstrap over seeds {interval(ds['bootstrap95_over_seeds'])}, "
                        f"t interval {interval(ds['t95'])}; reached in {ds['reached']} of {ds['n']} seeds"
                        + (" (at the first validation point in some seed: an upper bound, finer `eval_every` would resolve it)." if ds.get("upper_bound") else "."))
        elif ds:
            text.append(f"  Data: it does not reach the baseline's final accuracy in {ds['n'] - ds['reached']} of {ds['n']} seeds.")
        for key, what in (("text_eval_acc", "On text alone (the validation documents without arithmetic)"),
                          ("eval_acc_predicted", "Without oracle metadata (its head's own tags, fed step by step)"),
                          ("text_eval_acc_predicted", "Without oracle metadata, on text alone")):
            d = (v.get("paired_vs_baseline") or {}).get(key)
            if d and d["mean"] is not None:
                text.append(f"  {what}: accuracy {d['mean']:+.4f} vs baseline" + (
                    f", 95% t interval {interval(d['t95'], 4)}: {verdict(d)}." if d["t95"][0] is not None else f" ({d['n']} seed)."))
        a = v.get("arith_minus_baseline")
        if a:
            sig = "excludes 0" if a["interval"][0] is not None and (a["interval"][0] > 0 or a["interval"][1] < 0) else "includes 0"
            line = f"  Arithmetic: {a['mean']:+.3f} vs baseline (paired over problems, {interval(a['interval'])}, {sig}"
            # Seeds vary far more than problems do (a run learns the carry or it does not):
            # the verdict is the one over seeds.
            d = (v.get("paired_vs_baseline") or {}).get("arith_acc")
            if d and d["mean"] is not None and d["t95"][0] is not None:
                line += f"; over seeds, 95% t interval {interval(d['t95'])}: {verdict(d)}"
            text.append(line + ").")
    text += ["", "![validation accuracy](val_acc.svg)", "", "![validation loss](val_loss.svg)", "",
             "Caveats: small models and budgets (the paper: 500M-2B parameters, 302B tokens); three seeds give coarse "
             "intervals (a bootstrap over three values can only take a few distinct means); the tags of the "
             "other variants come from an annotator that looks at the whole sentence, so plain LIME sees a little of "
             "the future (`lime-causal`, and plain `lime` fed causal tags in the section above, do not); `lime+1`'s "
             "validation figures in the first table use the true next-token metadata (oracle); the section on "
             "oracle-free metadata gives what a user gets without it.", ""]
    return "\n".join(text)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--problems", help="held-out arithmetic problems (JSONL with a, b) for the breakdown by operand length")
    ap.add_argument("--command", help="the command that produced the runs (for the report)")
    ap.add_argument("--commit", help="the commit the runs were made at (default: the current HEAD)")
    ap.add_argument("--arith-copies", type=int, help="copies of each training problem in the corpus (for the report)")
    ap.add_argument("--corpus", help="the experiment's corpus JSONL (the report gives the arithmetic documents' share of its bytes)")
    ap.add_argument("--data", help="the experiment's shard set and ...")
    ap.add_argument("--text-data", help="... the one of its text documents alone (the report gives the arithmetic share of the tokens)")
    ap.add_argument("--started", type=float, help="UNIX time the experiment started (wall time in the report)")
    ap.add_argument("--wall-seconds", type=float, help="the experiment's wall time, when re-rendering a finished run")
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    problems = [json.loads(l) for l in open(a.problems) if l.strip()] if a.problems else None
    results, specs = collect(a.runs, problems)
    if not results["variants"]:
        raise SystemExit(f"no runs under {a.runs}")
    results["run"] = {"command": " ".join((a.command or "").split()) or None, "commit": a.commit or git_commit(),
                      "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                      "wall_seconds": a.wall_seconds if a.wall_seconds is not None else
                      round(time.time() - a.started, 1) if a.started is not None else None}
    results["arith_copies"] = a.arith_copies
    results["arith_share"] = arith_share(a.corpus) if a.corpus else None
    if a.data and a.text_data:
        tokens = [read_json(os.path.join(d, "manifest.json"))["tokens"] for d in (a.data, a.text_data)]
        results["arith_token_share"] = 1 - tokens[1] / tokens[0]
    timing = read_json(os.path.join(a.runs, "timing.json"))
    if timing: results["run"]["jobs"] = timing
    with open(os.path.join(a.out, "results.json"), "w") as fh: json.dump(results, fh, indent=2, sort_keys=True)
    svg(results, 2, "validation next-token accuracy", os.path.join(a.out, "val_acc.svg"))
    svg(results, 1, "validation loss (nats)", os.path.join(a.out, "val_loss.svg"))
    report = render(results, specs, a.command, a.arith_copies)
    with open(os.path.join(a.out, "report.md"), "w") as fh: fh.write(report)
    print(report)


if __name__ == "__main__":
    main()
