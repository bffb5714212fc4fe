"""Ordinary prose from gensim's wheel (its test data; we use only the texts): the Lee news
corpus (`lee_background.cor` and `lee.cor`, one story per line) and the shortened English
Wikipedia dump (wikitext reduced to paragraphs of prose by the tagger's `strip_wiki`).
Ids: `lee/<file>#<line>`, `wiki/<title>#<n>`."""
import glob
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tagger"))

import silver  # noqa: E402

WHEEL_GLOB = "gensim-4.4.0-*.whl"


def find_wheel(directory):
    """The gensim wheel in `directory` (`pip download --no-deps gensim==4.4.0 -d DIR`)."""
    found = sorted(glob.glob(os.path.join(directory, WHEEL_GLOB)))
    if not found:
        raise ValueError(f"no {WHEEL_GLOB} in {directory}: pip download --no-deps gensim==4.4.0 -d {directory}")
    return found[0]


def records(wheel):
    """(id, text) of every Lee story and Wikipedia chunk, in a fixed order."""
    for _, doc_id, text in silver.lee_docs(wheel):
        yield doc_id, text
    for _, doc_id, text in silver.wiki_docs(wheel):
        yield doc_id, text
