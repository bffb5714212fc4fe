"""Real English text for the pre-tokenizer comparisons: UD EWT raw sentences and the
Debian handbook (HTML stripped, whitespace kept)."""
import glob
import html.parser
import io
import os

import zstandard

EWT = "/work/shared/data/ud-english-ewt"
HANDBOOK = "/usr/share/doc/debian-handbook/html/en-US"


def ewt_sentences(split="dev"):
    """The `# text = ` lines of the EWT CoNLL-U file (`dev` or `train`)."""
    path = os.path.join(EWT, "en_ewt-ud-%s.conllu.zst" % split)
    with open(path, "rb") as f:
        data = zstandard.ZstdDecompressor().stream_reader(f).read().decode("utf-8")
    return [line[len("# text = "):] for line in io.StringIO(data).read().splitlines()
            if line.startswith("# text = ")]


class _Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def handbook_documents():
    """One document per handbook page: the page's text with its whitespace as is."""
    docs = []
    for path in sorted(glob.glob(os.path.join(HANDBOOK, "*.html"))):
        parser = _Text()
        with open(path, encoding="utf-8") as f:
            parser.feed(f.read())
        docs.append("".join(parser.parts))
    return docs
