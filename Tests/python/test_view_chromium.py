"""`lime view` renders in a real headless Chromium: the DOM after the page's script ran
holds one section per sampled document and one highlighted span per entity."""
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

from test_swift_shards import FIXTURE, lime_binary


class DomCounter(HTMLParser):
    def __init__(self):
        super().__init__()
        self.documents = 0
        self.entities = []
        self.legend = 0
        self.bars = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "section" and "doc" in classes:
            self.documents += 1
        if tag == "mark" and "ent" in classes:
            self.entities.append(a.get("data-type"))
        if tag == "div" and "bar" in classes:
            self.bars += 1


def chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "chromium not installed (make deps installs it)"
    return path


def headless(args, tmp_path):
    return subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           f"--user-data-dir={tmp_path / 'profile'}", *args],
                          check=True, capture_output=True, text=True, timeout=120)


def expected_spans(data):
    """Entity spans by IOB2 over words, as the page should draw them."""
    ner = data["labels"]["ner"]
    types = []
    for d in data["documents"]:
        previous = "O"
        for label_id, start in zip(d["ner"], d["word_start"]):
            label = ner[label_id]
            if not start:
                continue
            if label.startswith("B-") or (label.startswith("I-") and previous[2:] != label[2:]):
                types.append(label[2:])
            previous = label if label[:2] in ("B-", "I-") else "O"
    return types


def test_view_page_renders_documents_and_entities_in_chromium(tmp_path):
    lime = lime_binary()
    out = tmp_path / "out"
    subprocess.run([lime, "run", "--input", FIXTURE, "--output", str(out), "--unit-documents", "10"],
                   check=True, capture_output=True)
    page = tmp_path / "page.html"
    result = subprocess.run([lime, "view", str(out), "--output", str(page), "--documents", "9"],
                            check=True, capture_output=True, text=True)
    html = page.read_text()
    data = json.loads(re.search(r'<script type="application/json" id="lime-data">(.*?)</script>', html, re.S).group(1))
    assert len(data["documents"]) == 9
    spans = expected_spans(data)
    assert len(spans) > 0
    assert f"9 documents ({len(spans)} entities)" in result.stdout

    dom = headless(["--dump-dom", page.as_uri()], tmp_path).stdout
    counter = DomCounter()
    counter.feed(dom)
    assert counter.documents == 9
    assert counter.entities == spans
    assert counter.bars > 5  # tag and entity charts were drawn
    assert "52 documents" in dom

    shot = tmp_path / "view.png"
    headless([f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri()], tmp_path)
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
