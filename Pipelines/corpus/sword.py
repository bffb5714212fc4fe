"""World English Bible from the Debian package `sword-text-web` (SWORD zText module).

zText layout, per testament (`ot`, `nt`):
  .bzs  block index: per block u32 offset, u32 compressed size, u32 uncompressed size
  .bzz  the blocks, each zlib-compressed
  .bzv  verse index: per entry u32 block, u32 offset in the block, u16 size
Entries follow the versification: module heading, then per book a book heading and per
chapter a chapter heading followed by its verses. Headings carry OSIS milestones such as
`<chapter osisID="John.3" sID="John.3"/>`, which this reader uses to find chapters, so no
versification table is needed. Text after a book's end marker (the glossary) is dropped. Verse text is OSIS: notes and titles are dropped, other
markup is stripped, entities are decoded. One document per chapter, verses joined by spaces.
"""
import html
import os
import re
import struct
import zlib

from common import normalize

DEFAULT_DIR = "/usr/share/sword/modules/texts/ztext/engWEB2015eb"
CHAPTER_START = re.compile(r'<chapter\b[^>]*\bsID="([^"]+)"')
BOOK_START = re.compile(r'<div\b(?=[^>]*\bsID=)(?=[^>]*\btype="book")[^>]*>')
BOOK_END = re.compile(r'<div\b(?=[^>]*\beID=)(?=[^>]*\btype="book")[^>]*>')
DROP_ELEMENTS = re.compile(r"<(note|title)\b[^>]*?(?<!/)>.*?</\1>", re.S)
TAG = re.compile(r"<[^>]*>")


class SwordError(Exception):
    pass


def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        raise SwordError(f"{path}: cannot read ({exc.strerror})") from exc


def testament_entries(directory, testament):
    """Yield the raw (UTF-8 decoded) text of every verse-index entry of one testament."""
    base = os.path.join(directory, testament)
    bzs, bzz, bzv = (_read(base + ext) for ext in (".bzs", ".bzz", ".bzv"))
    for name, data, size in ((".bzs", bzs, 12), (".bzv", bzv, 10)):
        if len(data) % size:
            raise SwordError(f"{base}{name}: length {len(data)} is not a multiple of {size}")
    blocks = {}

    def block(index):
        if index not in blocks:
            if (index + 1) * 12 > len(bzs):
                raise SwordError(f"{base}.bzv: block {index} is not in {base}.bzs")
            offset, csize, usize = struct.unpack_from("<III", bzs, index * 12)
            raw = zlib.decompress(bzz[offset:offset + csize])
            if len(raw) != usize:
                raise SwordError(f"{base}.bzz: block {index} inflates to {len(raw)} bytes, index says {usize}")
            blocks.clear()  # entries are in block order: keep one block in memory
            blocks[index] = raw
        return blocks[index]

    for entry in range(len(bzv) // 10):
        index, offset, size = struct.unpack_from("<IIH", bzv, entry * 10)
        if size == 0:
            yield entry, ""
            continue
        data = block(index)[offset:offset + size]
        if len(data) != size:
            raise SwordError(f"{base}.bzv: entry {entry} runs past the end of block {index}")
        yield entry, data.decode("utf-8")


def clean_verse(markup):
    """OSIS verse markup -> plain text."""
    return normalize(html.unescape(TAG.sub("", DROP_ELEMENTS.sub(" ", markup))))


def chapters(directory=DEFAULT_DIR):
    """Yield (osisID, [verse texts]) for every chapter, Old Testament first."""
    for testament in ("ot", "nt"):
        current, verses = None, []
        for entry, markup in testament_entries(directory, testament):
            found = CHAPTER_START.findall(markup)
            if found or BOOK_START.search(markup):  # a book or chapter heading: not a verse
                if current is not None:
                    yield current, verses
                current, verses = (found[-1] if found else None), []
            elif current is not None and markup:
                end = BOOK_END.search(markup)  # back matter (a glossary) may follow a book
                verses.append(clean_verse(markup[:end.start()] if end else markup))
            elif clean_verse(markup):
                raise SwordError(f"{testament}: entry {entry} has text outside any chapter")
        if current is not None:
            yield current, verses


def records(directory=DEFAULT_DIR):
    """Yield (id, text) documents, one per chapter."""
    for osis_id, verses in chapters(directory):
        text = " ".join(v for v in verses if v)
        if text:
            yield f"web/{osis_id}", text
