"""Encyclopedic prose from two Debian dictionaries, as (id, text) records.

  wordnet  wordnet-base  WordNet 3.0 noun glosses (WordNet licence: free use with notice):
           one sentence per synset, "<Lemma> is <definition>." plus its quoted examples,
           grouped into documents in file order. Proper nouns (cities, people,
           organisations) make this the densest source of named entities on the machine.
  foldoc   dict-foldoc   Free On-line Dictionary of Computing (GFDL 1.1+): one entry's
           prose per paragraph, cross-reference braces and category tags removed.
"""
import gzip
import re

from common import group_paragraphs, normalize

WORDNET_NOUNS = "/usr/share/wordnet/data.noun"
FOLDOC_DICT = "/usr/share/dictd/foldoc.dict.dz"


def wordnet_sentences(line):
    """The sentences of one `data.noun` line: "<Lemma> is <definition>." and the examples."""
    if line.startswith(" ") or "|" not in line:
        return []  # licence header
    fields, gloss = line.split("|", 1)
    parts = fields.split()
    count = int(parts[3], 16)
    lemma = parts[4].replace("_", " ")
    lemma = re.sub(r"\([a-z]+\)$", "", lemma)  # syntactic markers such as "(a)"
    examples = re.findall(r'"([^"]+)"', gloss)
    definition = re.sub(r'"[^"]*"', "", gloss)
    definition = normalize(definition.replace("; ;", ";")).strip(" ;")
    if count < 1 or not definition:
        return []
    out = [f"{lemma[0].upper()}{lemma[1:]} is {definition}."]
    for example in examples:
        example = normalize(example)
        if len(example) > 3:
            out.append(example[0].upper() + example[1:] + ("" if example[-1] in ".!?" else "."))
    return out


def wordnet_records(path=WORDNET_NOUNS):
    """WordNet noun glosses as documents of about 3,000 characters (paragraphs of 8 synsets)."""
    with open(path, encoding="utf-8", errors="replace") as f:
        synsets = [s for s in (" ".join(wordnet_sentences(line)) for line in f) if s]
    paragraphs = [" ".join(synsets[i:i + 8]) for i in range(0, len(synsets), 8)]
    for i, doc in enumerate(group_paragraphs(paragraphs, target=3000, minimum=500)):
        yield f"wordnet/{i}", doc


def foldoc_entries(text):
    """(headword, paragraphs) of each dictd entry: a headword line at column 0, body indented."""
    head, body = None, []
    for line in text.splitlines():
        if line and not line[0].isspace():
            if head is not None:
                yield head, body
            head, body = line.strip(), []
        elif head is not None:
            body.append(line)
    if head is not None:
        yield head, body


def foldoc_prose(lines):
    """An entry's paragraphs, with "{text (url)}" -> text, "{term}" -> term, "<tag>" dropped."""
    text = "\n".join(lines)
    text = re.sub(r"\{([^{}]*?)\s*\([^(){}]*\)\}", r"\1", text)
    text = re.sub(r"[{}]", "", text)
    text = re.sub(r"<[a-z][a-z ,/-]*>", "", text)
    paragraphs = [normalize(p) for p in re.split(r"\n\s*\n", text)]
    return [p for p in paragraphs if len(p) > 40]


def foldoc_records(path=FOLDOC_DICT):
    """FOLDOC entries (prose paragraphs) as documents of about 3,000 characters."""
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
        text = f.read()
    paragraphs = []
    for head, body in foldoc_entries(text):
        if head.startswith("00-database"):
            continue
        paragraphs.extend(foldoc_prose(body))
    for i, doc in enumerate(group_paragraphs(paragraphs, target=3000, minimum=500)):
        yield f"foldoc/{i}", doc
