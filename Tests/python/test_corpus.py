"""Tests for Pipelines/corpus: reST prose extraction, grouping, SWORD parsing, JSONL output."""
import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Pipelines" / "corpus"))
import build_corpus  # noqa: E402
import common  # noqa: E402
import handbook  # noqa: E402
import rest  # noqa: E402
import sword  # noqa: E402

REST = """\
:mod:`os` --- Operating system
==============================

.. module:: os
   :synopsis: Interfaces.

This uses :func:`~os.path.join` and ``open()``, see :pep:`8` and
`the docs <https://example.org>`_.

Example::

    x = 1
    print(x)

* First *item*.
* Second **item**.

.. code-block:: python

   import os

.. note::

   Body of the note.

>>> 1 + 1
2

+-----+-----+
| a   | b   |
+-----+-----+
"""


def test_rest_paragraphs():
    assert rest.paragraphs(REST) == [
        "os --- Operating system",
        "This uses join and open(), see PEP 8 and the docs.",
        "Example:",
        "First item.",
        "Second item.",
        "Body of the note.",
    ]


def test_group_paragraphs_sizes():
    paras = ["x" * 400] * 10 + ["tail"]
    docs = common.group_paragraphs(paras, target=1000, minimum=300)
    assert [len(d) for d in docs] == [1204, 1204, 1204, 406]  # 3 + 3 + 3 + (1 + tail)
    assert docs[-1] == "x" * 400 + "\n\ntail"
    short = common.group_paragraphs(["x" * 1200, "tiny"], target=1000, minimum=300)
    assert short == ["x" * 1200 + "\n\ntiny"]  # a short tail joins the previous document


def test_handbook_extractor_keeps_prose_drops_code_and_nav():
    page = ('<ul class="docnav"><li>Prev</li></ul><div class="section"><h2 class="title">1.1. Title</h2>'
            '<div class="para">Some   <code>apt</code>\n text.<pre class="screen">$ ls</pre></div>'
            '<div class="toc"><dl><dt>1.2 toc entry</dt></dl></div>'
            '<div class="para">Outer <div class="para">Inner.</div> after.</div></div>')
    parser = handbook.ParaExtractor()
    parser.feed(page)
    assert parser.paragraphs == ["1.1. Title", "Some apt text.", "Outer", "Inner.", "after."]


def test_write_jsonl_atomic_skips_empty_and_rejects_duplicates(tmp_path):
    out = tmp_path / "c.jsonl"
    assert common.write_jsonl(str(out), [("a", "Hello  world"), ("b", "  "), ("c", "é")]) == (2, 14, 3)
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert lines == [{"id": "a", "text": "Hello  world"}, {"id": "c", "text": "é"}]
    with pytest.raises(ValueError, match="duplicate document id 'a'"):
        common.write_jsonl(str(out), [("a", "x"), ("a", "y")])
    assert out.read_text(encoding="utf-8").count("\n") == 2  # the old file is intact
    assert [p.name for p in tmp_path.iterdir()] == ["c.jsonl"]  # no temp file left


def test_sword_famous_verses():
    chapters = dict(sword.chapters())
    assert chapters["Gen.1"][0] == "In the beginning, God created the heavens and the earth."
    assert chapters["John.3"][15].startswith("For God so loved the world")
    assert chapters["John.11"][34] == "Jesus wept."
    assert len(chapters["Ps.23"]) == 6 and chapters["Ps.23"][0] == "Yahweh is my shepherd; I shall lack nothing."
    assert chapters["Rev.22"][-1] == "The grace of the Lord Jesus Christ be with all the saints. Amen."
    assert not any("<" in v or "&" in v for verses in chapters.values() for v in verses)


def test_handbook_corpus_is_at_least_one_megabyte(tmp_path):
    out = tmp_path / "handbook.jsonl"
    assert build_corpus.main(["--source", "handbook", "--output", str(out)]) == 0
    texts = [json.loads(x)["text"] for x in out.read_text(encoding="utf-8").splitlines()]
    assert sum(len(t.encode("utf-8")) for t in texts) >= 1_000_000
    assert all(t.strip() for t in texts) and not any("<div" in t for t in texts)


# --- dictionaries.py: WordNet glosses and FOLDOC prose -------------------------------------

import dictionaries  # noqa: E402

WORDNET_LINE = ("09053947 15 n 02 Birmingham 1 Pittsburgh_of_the_South 0 002 @i 08524735 n 0000 "
                "#p 09053185 n 0000 | the largest city in Alabama; located in northeastern Alabama; "
                "\"the steel mills of Birmingham\"  \n")


def test_wordnet_sentence_names_the_lemma_and_keeps_examples():
    assert dictionaries.wordnet_sentences(WORDNET_LINE) == [
        "Birmingham is the largest city in Alabama; located in northeastern Alabama.",
        "The steel mills of Birmingham.",
    ]
    # The licence header (indented lines) and lines without a gloss give nothing.
    assert dictionaries.wordnet_sentences("  1 This software and database is being provided\n") == []


def test_wordnet_records_group_synsets(tmp_path):
    data = tmp_path / "data.noun"
    lines = [WORDNET_LINE.replace("Birmingham 1", f"City{i} 1") for i in range(40)]
    data.write_text("  1 licence header\n" + "".join(lines), encoding="utf-8")
    records = list(dictionaries.wordnet_records(str(data)))
    text = "\n\n".join(t for _, t in records)
    assert [i for i, _ in records] == [f"wordnet/{n}" for n in range(len(records))]
    assert all(f"City{i} is the largest city in Alabama" in text for i in range(40))


FOLDOC = """00-database-short
     The Free On-line Dictionary of Computing
Ada

   <language> A {Pascal}-descended language, designed by {Jean
   Ichbiah (http://example.org/ichbiah)} at {CII Honeywell Bull} for the US Department of Defense.

   (1997-06-30)

"""


def test_foldoc_prose_strips_markup(tmp_path):
    entries = dict(dictionaries.foldoc_entries(FOLDOC))
    assert set(entries) == {"00-database-short", "Ada"}
    assert dictionaries.foldoc_prose(entries["Ada"]) == [
        "A Pascal-descended language, designed by Jean Ichbiah at CII Honeywell Bull "
        "for the US Department of Defense."]
    import gzip
    path = tmp_path / "foldoc.dict.dz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(FOLDOC)
    assert list(dictionaries.foldoc_records(str(path))) == [
        ("foldoc/0", "A Pascal-descended language, designed by Jean Ichbiah at CII Honeywell Bull "
                     "for the US Department of Defense.")]


def test_prose_reads_lee_and_wiki_from_a_gensim_wheel(tmp_path):
    import bz2
    import zipfile
    import prose
    wheel = tmp_path / "gensim-4.4.0-cp311-test.whl"
    body = ("The council said on Tuesday that the new bridge would open next year after a long delay in the "
            "works, which had been caused by floods, strikes and a shortage of steel across the whole region.")
    xml = ('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/"><page><title>Bridge</title><ns>0</ns>'
           f'<revision><text>{{{{Infobox}}}}\n{body} [[River|rivers]] too.</text></revision></page>'
           '<page><title>Old</title><ns>0</ns><redirect title="Bridge"/><revision><text>#REDIRECT</text></revision></page>'
           '</mediawiki>')
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("gensim/test/test_data/lee_background.cor", "First  story here.\n\nSecond story.\n")
        z.writestr("gensim/test/test_data/lee.cor", "Held out story.\n")
        z.writestr("gensim/test/test_data/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2",
                   bz2.compress(xml.encode()))
    assert prose.find_wheel(str(tmp_path)) == str(wheel)
    docs = list(prose.records(str(wheel)))
    assert docs[:3] == [("lee/lee_background.cor#0", "First story here."), ("lee/lee_background.cor#2", "Second story."),
                        ("lee/lee.cor#0", "Held out story.")]
    assert len(docs) == 4 and docs[3][0] == "wiki/Bridge#0"
    assert docs[3][1] == body + " rivers too."
    with pytest.raises(ValueError):
        prose.find_wheel(str(tmp_path / "none"))
