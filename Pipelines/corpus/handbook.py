"""Prose of the Debian Administrator's Handbook (Debian package `debian-handbook`).

Takes the text of every `<div class="para">`, heading (`h1`-`h5`, `p.title`) and
definition term (`dt`) of the English HTML pages, skipping code listings and screen
captures (`pre`), tables of contents and navigation; normalizes whitespace inside paragraphs
and groups consecutive paragraphs of a page into documents of about 1,500 characters.
"""
import glob
import os
from html.parser import HTMLParser

from common import group_paragraphs, normalize

DEFAULT_DIR = "/usr/share/doc/debian-handbook/html/en-US"
SKIP_TAGS = {"pre", "script", "style"}
TEXT_BLOCKS = {"h1", "h2", "h3", "h4", "h5", "dt"}
VOID_TAGS = {"br", "img", "meta", "link", "hr", "input", "col", "area", "base"}


class ParaExtractor(HTMLParser):
    """Collects the text of para divs; a nested para splits its parent into paragraphs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []        # open tags: (tag, is_para, skip)
        self.para_depth = 0
        self.skip_depth = 0
        self.buffer = []
        self.paragraphs = []

    def _flush(self):
        text = normalize("".join(self.buffer))
        if text:
            self.paragraphs.append(text)
        self.buffer = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            return
        classes = (dict(attrs).get("class") or "").split()
        is_para = (tag == "div" and "para" in classes) or tag in TEXT_BLOCKS \
            or (tag == "p" and "title" in classes)
        if is_para:
            self._flush()
            self.para_depth += 1
        skip = tag in SKIP_TAGS or (tag == "div" and "toc" in classes)
        if skip:
            self.skip_depth += 1
        self.stack.append((tag, is_para, skip))

    def handle_startendtag(self, tag, attrs):  # noqa: D401
        pass  # <a id=".."/> and friends carry no text

    def handle_endtag(self, tag):
        # Pop to the matching open tag (tolerates unclosed inline tags).
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                for _, is_para, skip in reversed(self.stack[i:]):
                    if skip:
                        self.skip_depth -= 1
                    if is_para:
                        self._flush()
                        self.para_depth -= 1
                del self.stack[i:]
                return

    def handle_data(self, data):
        if self.para_depth > 0 and self.skip_depth == 0:
            self.buffer.append(data)


def page_paragraphs(path):
    parser = ParaExtractor()
    with open(path, encoding="utf-8") as f:
        parser.feed(f.read())
    parser.close()
    return parser.paragraphs


def records(directory=DEFAULT_DIR):
    """Yield (id, text) documents in file-name order."""
    pages = sorted(glob.glob(os.path.join(directory, "*.html")))
    if not pages:
        raise FileNotFoundError(f"{directory}: no *.html pages (is debian-handbook installed?)")
    for page in pages:
        name = os.path.splitext(os.path.basename(page))[0]
        for i, text in enumerate(group_paragraphs(page_paragraphs(page))):
            yield f"handbook/{name}/{i}", text
