#!/usr/bin/env python3
"""Writes experiment/report.md, experiment/results.json and SVG charts from the runs of
the ablation (RUN/run.json + RUN/metrics.jsonl per variant). No plotting library needed.

usage: report.py --runs experiment/runs --out experiment
"""
import argparse, json, math, os

VARIANTS = ["baseline", "lime", "lime+1", "lime+1-predicted"]
COLORS = {"baseline": "#444444", "lime": "#1f77b4", "lime+1": "#d62728", "lime+1-predicted": "#ff7f0e"}


def params(spec):
    """Parameter count, mirroring LimeTransformer's Transformer.layout."""
    c = spec["config"]
    d, L, v = c["d_model"], c["layers"], spec["vocabSize"]
    f = c.get("mlp_width") or (8 * d // 3 + 31) // 32 * 32
    sizes = {"tag": 53, "pos": 21, "ner": 40}
    meta = sum(sizes[k] * d + 1 for k in spec["variant"]["metadata"])
    head = sum(sizes[k] * (d + 1) for k in spec["variant"]["metadata"]) if spec["variant"].get("metadataHead") else 0
    return v * d + meta + L * (d + 3 * d * d + d * d + d + 2 * d * f + f * d) + d + head, meta + head


def arith(run):
    """Answer accuracy of the arithmetic probe (`lime probe`), if it ran."""
    path = os.path.join(run, "arith.json")
    return json.load(open(path))["accuracy"] if os.path.exists(path) else None


def evaluation(run):
    """`lime eval`'s JSON for a run with a metadata head: next-token accuracy with the head's
    own tags fed step by step, and the head's (teacher-forced) tag accuracy."""
    path = os.path.join(run, "eval.json")
    if not os.path.exists(path): return {}
    e = json.load(open(path))
    predicted = (e.get("modes") or {}).get("predicted")
    out = {"eval_acc": e["overall"]["correct"] / e["overall"]["count"]}
    if predicted:
        g = predicted["overall"]
        out["val_acc_predicted"] = g["correct"] / g["count"]
        out["val_loss_predicted"] = g["loss"] / g["count"]
    tag = (e.get("head") or {}).get("tag")
    if tag: out["head_tag_acc"] = tag["correct"] / tag["count"]
    return out


def load(run):
    spec = json.load(open(os.path.join(run, "run.json")))
    metrics = [json.loads(l) for l in open(os.path.join(run, "metrics.jsonl")) if l.strip()]
    return spec, metrics


def svg(series, key, label, path):
    """A line chart per variant as SVG. Kept hand-written (about 25 lines) rather than
    matplotlib: two line charts do not justify a plotting stack (matplotlib, its fonts and
    numpy build deps) in `make deps` for every user; the per-seed charts of a multi-seed
    experiment would be the point to switch."""
    w, h, m = 640, 400, 60
    xs = [p["tokens"] for s in series.values() for p in s]
    ys = [p[key] for s in series.values() for p in s if math.isfinite(p[key])]
    x0, x1, y0, y1 = 0, max(xs), min(ys), max(ys)
    if y1 == y0: y1 = y0 + 1
    X = lambda x: m + (w - 2 * m) * (x - x0) / (x1 - x0)
    Y = lambda y: h - m - (h - 2 * m) * (y - y0) / (y1 - y0)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<line x1="{m}" y1="{h-m}" x2="{w-m}" y2="{h-m}" stroke="black"/>',
           f'<line x1="{m}" y1="{m}" x2="{m}" y2="{h-m}" stroke="black"/>',
           f'<text x="{w/2}" y="{h-15}" text-anchor="middle">training tokens</text>',
           f'<text x="15" y="{h/2}" transform="rotate(-90 15 {h/2})" text-anchor="middle">{label}</text>']
    for i in range(5):
        yv = y0 + (y1 - y0) * i / 4; xv = x0 + (x1 - x0) * i / 4
        out.append(f'<text x="{m-5}" y="{Y(yv)+4:.1f}" text-anchor="end">{yv:.3g}</text>')
        out.append(f'<text x="{X(xv):.1f}" y="{h-m+15}" text-anchor="middle">{xv:.3g}</text>')
    for j, (name, s) in enumerate(series.items()):
        pts = " ".join(f"{X(p['tokens']):.1f},{Y(p[key]):.1f}" for p in s if math.isfinite(p[key]))
        out.append(f'<polyline fill="none" stroke="{COLORS.get(name, "green")}" stroke-width="2" points="{pts}"/>')
        out.append(f'<text x="{w-m-100}" y="{m+15*j}" fill="{COLORS.get(name, "green")}">{name}</text>')
    out.append("</svg>")
    with open(path, "w") as fh: fh.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    series, results = {}, {"variants": {}}
    for name in VARIANTS:
        run = os.path.join(a.runs, name.replace("+", "plus"))
        if not os.path.exists(os.path.join(run, "metrics.jsonl")): continue
        spec, metrics = load(run)
        series[name] = metrics
        last = metrics[-1]
        p, meta = params(spec)
        results["variants"][name] = {
            "final_val_loss": last["val_loss"], "final_val_ppl": last["val_ppl"], "final_val_acc": last["val_acc"],
            "tokens": last["tokens"], "tokens_per_s": last["tokens"] / last["train_seconds"],
            "params": p, "metadata_params": meta, "metadata_share": meta / p,
            "arith_acc": arith(run),
            "val_acc": last["val_acc"], "val_loss": last["val_loss"],
        }
        results["variants"][name].update(evaluation(run))
    base = series.get("baseline")
    saving = None
    if base and "lime" in series:
        target = base[-1]["val_acc"]
        first = next((p["tokens"] for p in series["lime"] if p["val_acc"] >= target), None)
        saving = first / base[-1]["tokens"] if first is not None else None
    results["data_saving_fraction"] = saving
    with open(os.path.join(a.out, "results.json"), "w") as fh: json.dump(results, fh, indent=2, sort_keys=True)
    svg(series, "val_acc", "validation next-token accuracy", os.path.join(a.out, "val_acc.svg"))
    svg(series, "val_loss", "validation loss (nats)", os.path.join(a.out, "val_loss.svg"))
    rows = ["| variant | params | metadata params | tokens | tokens/s | val loss | val ppl | val acc | eval acc | eval acc, own tags | head tag acc | arith acc |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    opt = lambda r, k: "n/a" if r.get(k) is None else "%.4f" % r[k]
    for name, r in results["variants"].items():
        rows.append(f"| {name} | {r['params']} | {r['metadata_params']} ({100*r['metadata_share']:.2f}%) | {r['tokens']} | {r['tokens_per_s']:.0f} | "
                    f"{r['final_val_loss']:.4f} | {r['final_val_ppl']:.2f} | {r['final_val_acc']:.4f} | "
                    f"{opt(r, 'eval_acc')} | {opt(r, 'val_acc_predicted')} | {opt(r, 'head_tag_acc')} | "
                    f"{'n/a' if r['arith_acc'] is None else '%.3f' % r['arith_acc']} |")
    own, plain = results["variants"].get("lime+1-predicted", {}).get("val_acc_predicted"), results["variants"].get("baseline", {}).get("eval_acc")
    verdict = ("LIME+1 without oracle tags " + ("beats" if own > plain else "does not beat") +
               f" the baseline here ({own:.4f} vs {plain:.4f} on the same windows)." if own is not None and plain is not None else "")
    config = ""
    if base:
        spec, _ = load(os.path.join(a.runs, "baseline"))
        c = spec["config"]
        config = (f"Model: {c['layers']} layers, d_model {c['d_model']}, {c['heads']} heads, context {c['context_length']}, "
                  f"vocabulary {spec['vocabSize']}; batch {c['batch_size']} windows, {c['steps']} steps, seed {c.get('seed', 1)}. "
                  f"Metadata of `lime` and `lime+1`: {', '.join(load(os.path.join(a.runs, 'lime'))[0]['variant']['metadata']) if 'lime' in series else 'none'} "
                  "(fine-grained PTB tags from the native annotator).")
    text = ["# LIME ablation", "", "Same data order, seed, steps and model size for every variant "
            "(`make experiment`; raw numbers in `results.json`). Data: handbook, World English Bible, "
            "Python and Linux documentation, shuffled by document, through `lime run` (7.3M pieces); "
            "validation: 1% of the documents, chosen by hash.", "", config, ""] + rows + ["",
            f"Data-saving figure: LIME first reaches the baseline's final validation accuracy after "
            f"{'%.1f%%' % (100 * saving) if saving is not None else 'n/a (not reached)'} of the baseline's tokens.", "",
            "![validation accuracy](val_acc.svg)", "", "![validation loss](val_loss.svg)", "",
            "Caveats: one seed and a small model (the paper: 500M-2B parameters, 302B tokens); the tags come "
            "from an annotator that looks at the whole sentence, so plain LIME sees a little of the future "
            "(the critique DESIGN.md names); `lime+1` is evaluated with the true next-token tags (oracle "
            "metadata), as in the paper. Arithmetic probe: 400 held-out problems `a + b =` (two-digit a, b; the "
            "other 7,700 problems are mixed into training, 4 times each); the LIME variants get the oracle tags "
            "of the answer, the baseline nothing; an answer counts when its first word is exactly the sum.", "",
            "`lime+1-predicted` is `lime+1` trained with the metadata head (`--metadata-head`): its `val acc` "
            "still uses the oracle tags. `eval acc` is `lime eval` on the same first validation windows for every "
            "variant; `eval acc, own tags` feeds the head's own predictions word by word as unguided generation "
            "does (`lime eval`'s predicted mode), and `head tag acc` is the head's accuracy on the next word's "
            "tag. " + verdict, ""]
    with open(os.path.join(a.out, "report.md"), "w") as fh: fh.write("\n".join(text))
    print("\n".join(rows)); print("data_saving_fraction", saving)


if __name__ == "__main__":
    main()
