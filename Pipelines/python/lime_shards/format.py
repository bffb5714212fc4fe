"""Constants and header parsing of the lime shard format, version 1 (Schemas/shard-format.md)."""
import hashlib
import struct
from dataclasses import dataclass

MAGIC = b"LIMESHRD"
VERSION = 1
HEADER_SIZE = 128
ENTRY_SIZE = 64
FLAG_U32_TOKENS = 1

TOKENS, TAG, POS, NER, WORD_START, DOC_OFFSETS, DOC_IDS = 1, 2, 3, 4, 5, 6, 7
KIND_NAMES = {TOKENS: "tokens", TAG: "tag", POS: "pos", NER: "ner", WORD_START: "word_start",
              DOC_OFFSETS: "doc_offsets", DOC_IDS: "doc_ids"}
KINDS = {name: kind for kind, name in KIND_NAMES.items()}
TOKEN_SECTIONS = (TOKENS, TAG, POS, NER, WORD_START)

_HEADER = struct.Struct("<8sIIQQ32s32sII16s8s")
_ENTRY = struct.Struct("<IIQQQ32s")
assert _HEADER.size == HEADER_SIZE and _ENTRY.size == ENTRY_SIZE


class ShardError(Exception):
    """A shard or manifest is unreadable or fails an integrity check; the message names both."""


class ShardFormatError(ShardError):
    """A shard file is corrupted or truncated: `path` names the file and `section` the part
    that failed ("header", "section table", "layout", or a section name such as "tokens").

    str(error) is "<path>: <section>: <problem>"."""

    def __init__(self, path, section, problem):
        self.path, self.section, self.problem = str(path), section, problem
        super().__init__(f"{path}: {section}: {problem}")


@dataclass(frozen=True)
class Header:
    version: int
    flags: int
    documents: int
    tokens: int
    tokenizer_sha256: bytes
    tagsets_sha256: bytes
    section_count: int
    vocab_size: int

    @property
    def token_size(self):
        return 4 if self.flags & FLAG_U32_TOKENS else 2


@dataclass(frozen=True)
class Section:
    kind: int
    element_size: int
    count: int
    offset: int
    length: int
    sha256: bytes

    @property
    def name(self):
        return KIND_NAMES.get(self.kind, f"kind {self.kind}")


def header_checksum(first_120_bytes):
    return hashlib.sha256(first_120_bytes).digest()[:8]


def parse_header(data, where):
    """Parse and check the 128-byte header; `where` names the shard in errors."""
    if len(data) < HEADER_SIZE:
        raise ShardFormatError(where, "header", f"truncated header ({len(data)} of {HEADER_SIZE} bytes)")
    magic, version, flags, docs, tokens, tok_sha, tag_sha, n, vocab, reserved, checksum = \
        _HEADER.unpack_from(data, 0)
    if magic != MAGIC:
        raise ShardFormatError(where, "header", f"bad magic {magic!r} (expected {MAGIC!r})")
    if version != VERSION:
        raise ShardFormatError(where, "header", f"unsupported format version {version} (expected {VERSION})")
    if checksum != header_checksum(bytes(data[:120])):
        raise ShardFormatError(where, "header", "header checksum mismatch")
    if flags & ~FLAG_U32_TOKENS:
        raise ShardFormatError(where, "header", f"unknown header flags {flags:#x}")
    if reserved != bytes(16):
        raise ShardFormatError(where, "header", "reserved header bytes are not zero")
    return Header(version, flags, docs, tokens, tok_sha, tag_sha, n, vocab)


def parse_sections(data, header, where):
    """Parse the section table that follows the header."""
    end = HEADER_SIZE + ENTRY_SIZE * header.section_count
    if len(data) < end:
        raise ShardFormatError(where, "section table", f"truncated section table ({len(data)} of {end} bytes)")
    sections = [Section(*_ENTRY.unpack_from(data, HEADER_SIZE + i * ENTRY_SIZE))
                for i in range(header.section_count)]
    kinds = [s.kind for s in sections]
    if kinds != sorted(set(kinds)):
        raise ShardFormatError(where, "section table", f"sections not in strictly increasing kind order: {kinds}")
    return sections


def pack_header(header):
    """Header bytes with their checksum (used by writers and tests)."""
    body = _HEADER.pack(MAGIC, header.version, header.flags, header.documents, header.tokens,
                        header.tokenizer_sha256, header.tagsets_sha256, header.section_count,
                        header.vocab_size, bytes(16), bytes(8))[:120]
    return body + header_checksum(body)


def pack_section(section):
    return _ENTRY.pack(section.kind, section.element_size, section.count, section.offset,
                       section.length, section.sha256)
