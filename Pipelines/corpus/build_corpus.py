#!/usr/bin/env python3
"""Build demo/experiment corpora as JSONL ({"id", "text"} per line) from Debian packages.

  python3 Pipelines/corpus/build_corpus.py --source handbook|bible|pydoc|linuxdoc|wordnet|foldoc|all \\
      --output data/corpus/<name>.jsonl

Sources (see Pipelines/corpus/README.md for licences):
  handbook  debian-handbook    Debian Administrator's Handbook, English HTML prose
  bible     sword-text-web     World English Bible (public domain), one document per chapter
  pydoc     python3.11-doc     Python 3.11 documentation, reST prose
  linuxdoc  linux-doc-6.1      Linux kernel documentation, reST prose
  wordnet   wordnet-base       WordNet 3.0 noun glosses as "<Lemma> is <definition>." sentences
  foldoc    dict-foldoc        Free On-line Dictionary of Computing, entry prose
  prose     gensim wheel       Lee news corpus + shortened English Wikipedia (gensim test data;
                               pass --gensim-dir DIR holding gensim-4.4.0-*.whl)
Output order is deterministic; empty documents are skipped; the file is written atomically.
"""
import argparse
import itertools
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import dictionaries  # noqa: E402
import handbook  # noqa: E402
import prose  # noqa: E402
import rest  # noqa: E402
import sword  # noqa: E402
from common import write_jsonl  # noqa: E402

LINUXDOC_DIR = "/usr/share/doc/linux-doc-6.1/Documentation"

SOURCES = {
    "handbook": lambda: handbook.records(),
    "bible": lambda: sword.records(),
    "pydoc": lambda: rest.records(rest.PYDOC_DIR, "pydoc"),
    "linuxdoc": lambda: rest.records(LINUXDOC_DIR, "linuxdoc", suffix=".rst.gz",
                                     skip=("translations", "sphinx", "sphinx-static")),
    "wordnet": lambda: dictionaries.wordnet_records(),
    "foldoc": lambda: dictionaries.foldoc_records(),
    "prose": lambda: prose.records(prose.find_wheel(GENSIM_DIR[0])),
}
GENSIM_DIR = ["out/experiment"]
ALL = ["handbook", "bible", "pydoc", "linuxdoc"]


def main(argv=None):
    parser = argparse.ArgumentParser(description="Build a JSONL corpus from Debian packages.")
    parser.add_argument("--source", required=True, choices=sorted(SOURCES) + ["all"],
                        help="'all' = " + " + ".join(ALL))
    parser.add_argument("--output", required=True, help="output .jsonl path")
    parser.add_argument("--gensim-dir", default=GENSIM_DIR[0], help="directory of the gensim wheel (source prose)")
    args = parser.parse_args(argv)
    GENSIM_DIR[0] = args.gensim_dir
    names = ALL if args.source == "all" else [args.source]
    try:
        docs, nbytes, words = write_jsonl(
            args.output, itertools.chain.from_iterable(SOURCES[n]() for n in names))
    except (OSError, ValueError, sword.SwordError) as exc:
        print(f"build_corpus: {exc}", file=sys.stderr)
        return 1
    size = os.path.getsize(args.output)
    print(f"{args.output}: {docs} documents, {nbytes} bytes of text "
          f"({nbytes / 1e6:.2f} MB), {words} whitespace tokens, file {size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
