#!/usr/bin/env python3
"""Text no model of lime's was trained, tuned or benchmarked on before: the annotation
benchmark's held-out corpus of several genres, from Debian packages.

  python3 Pipelines/corpus/unseen.py --output data/unseen/unseen.jsonl [--per-genre-bytes 700000]

Genres (each capped at --per-genre-bytes of text, documents of about 2 kB):
- fortunes: the fortune cookies of Debian's `fortunes` package (quotes, jokes, dialogue);
- jargon: the Jargon File 4.4.7 (`jargon-text`, public domain): hacker slang, prose entries;
- manuals: GNU info manuals in /usr/share/info (coreutils, find, diff, bash, ...): software
  documentation;
- licences: /usr/share/common-licenses (GPL, Apache, Artistic, MPL, ...): legal text.
None of these is in the tagger's training or validation text (Pipelines/make/tagger.mk:
handbook, Lee news, Wikipedia, pydoc, linuxdoc, bible, WordNet, FOLDOC, Debian Reference,
Debian history), in the default tokenizer's, or in the experiment's. Licences: see
Pipelines/corpus/README.md. Deterministic: sorted files, fixed grouping.
"""
import argparse
import glob
import gzip
import json
import os
import re
import sys

APT = ["fortunes", "jargon-text", "info", "coreutils", "findutils", "diffutils", "bash-doc"]


def read(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as f:
        return f.read()


def paragraphs(text):
    return [p.strip("\n") for p in re.split(r"\n\s*\n", text) if p.strip()]


def group(pieces, target=2000):
    """Joins consecutive pieces (blank line between) into documents of about `target` bytes."""
    out, current = [], []
    size = 0
    for piece in pieces:
        current.append(piece)
        size += len(piece.encode("utf-8")) + 2
        if size >= target:
            out.append("\n\n".join(current))
            current, size = [], 0
    if current:
        out.append("\n\n".join(current))
    return out


def fortunes():
    files = sorted(p for p in glob.glob("/usr/share/games/fortunes/*")
                   if os.path.isfile(p) and not p.endswith((".dat", ".u8")))
    pieces = []
    for path in files:
        for cookie in read(path).split("\n%\n"):
            cookie = cookie.strip("%\n")
            if cookie.strip():
                pieces.append(cookie)
    return group(pieces)


def jargon():
    text = read("/usr/share/doc/jargon-text/jargon.txt.gz")
    # Drop the box-drawn tables and keep prose paragraphs.
    keep = [p for p in paragraphs(text) if not re.search("[\u2500-\u257f]", p) and len(p) > 40]
    return group(keep)


def manuals():
    pieces = []
    for path in sorted(glob.glob("/usr/share/info/*.info*.gz")):
        text = read(path)
        for node in text.split("\x1f"):
            lines = [l for l in node.split("\n") if not l.startswith(("File: ", "Tag Table:", "End Tag Table", "* Menu:"))]
            for paragraph in paragraphs("\n".join(lines)):
                if paragraph.lstrip().startswith("* ") or len(paragraph) < 40:
                    continue  # menus and headings
                pieces.append(paragraph)
    return group(pieces)


def licences():
    pieces = []
    for path in sorted(glob.glob("/usr/share/common-licenses/*")):
        if os.path.isfile(path) and not os.path.islink(path):
            pieces += [p for p in paragraphs(read(path)) if len(p) > 40]
    return group(pieces)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--output", required=True)
    ap.add_argument("--per-genre-bytes", type=int, default=700_000)
    args = ap.parse_args()
    missing = [p for p in ["/usr/share/games/fortunes", "/usr/share/doc/jargon-text/jargon.txt.gz"] if not os.path.exists(p)]
    if missing:
        sys.exit(f"unseen.py: missing {', '.join(missing)}: apt-get install {' '.join(APT)}")
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    temporary = args.output + ".tmp"
    totals = {}
    with open(temporary, "w", encoding="utf-8") as out:
        for genre, documents in [("fortunes", fortunes()), ("jargon", jargon()), ("manuals", manuals()), ("licences", licences())]:
            size = 0
            for n, text in enumerate(documents):
                if size >= args.per_genre_bytes:
                    break
                out.write(json.dumps({"id": f"{genre}-{n}", "genre": genre, "text": text}, ensure_ascii=False) + "\n")
                size += len(text.encode("utf-8"))
                totals[genre] = (totals.get(genre, (0, 0))[0] + 1, size)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, args.output)
    for genre, (count, size) in totals.items():
        print(f"unseen: {genre}: {count} documents, {size / 1e6:.2f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
