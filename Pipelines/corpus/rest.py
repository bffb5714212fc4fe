"""Prose of reStructuredText sources, used for the Python documentation (`python3.11-doc`).

A line-based extractor, not a full reST parser: it keeps paragraphs, list items,
headings and the bodies of prose directives (note, versionchanged, function, ...);
it drops literal blocks (after `::`), code and table directives, comments, tables,
doctests, field lists and directive signatures; inline markup is reduced to its text.
"""
import glob
import gzip
import os
import re

from common import group_paragraphs, normalize

PYDOC_DIR = "/usr/share/doc/python3.11/html/_sources"
SKIPPED_DIRECTIVES = {
    "code-block", "code", "sourcecode", "testcode", "testoutput", "testsetup", "testcleanup",
    "doctest", "productionlist", "literalinclude", "highlight", "raw", "csv-table",
    "list-table", "table", "toctree", "index", "image", "figure", "include", "autosummary",
    "only", "ifconfig", "grammar-snippet", "impl-detail", "audit-event-table", "c:macro",
    "limited-api-list", "math", "parsed-literal", "cmdoption", "envvar", "option",
    "availability", "audit-event", "pdbcommand", "sectionauthor", "moduleauthor",
}
DIRECTIVE = re.compile(r"^(\s*)\.\.\s+(?:([\w:-]+)::)?")
ADORNMENT = re.compile(r"^([=\-`:'\"~^_*+#<>.])\1{2,}\s*$")
TABLE_LINE = re.compile(r"^\s*(\+[-=+]+\+|=+( +=+)+)\s*$")
FIELD = re.compile(r"^\s*:[^:\s][^:]*:(\s|$)")
BULLET = re.compile(r"^(\s*)([-*+•]|#\.|\d+\.|\(\d+\))\s+")
ROLE = re.compile(r":[\w:+-]+:`([^`]*)`")
LINK = re.compile(r"`([^`<]*?)\s*<[^>`]*>`_{1,2}")
REF = re.compile(r"`([^`]+)`_{1,2}")
LITERAL = re.compile(r"``(.+?)``")
STRONG = re.compile(r"\*\*(.+?)\*\*")
EMPHASIS = re.compile(r"(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])")
INTERPRETED = re.compile(r"`([^`]+)`")


def _role_text(match):
    role, text = match.group(0).split("`", 1)[0].strip(":"), match.group(1)
    if role in ("pep", "rfc"):
        return f"{role.upper()} {text}"
    title = re.match(r"(.*?)\s*<[^>]*>$", text, re.S)
    if title and title.group(1):
        return title.group(1)
    text = text.lstrip("!")
    return text[1:].rsplit(".", 1)[-1] if text.startswith("~") else text


def inline(text):
    """Reduce inline reST markup to plain text."""
    text = ROLE.sub(_role_text, text)
    text = LINK.sub(r"\1", text)
    text = REF.sub(r"\1", text)
    text = LITERAL.sub(r"\1", text)
    text = STRONG.sub(r"\1", text)
    text = EMPHASIS.sub(r"\1", text)
    text = INTERPRETED.sub(r"\1", text)
    return normalize(text.replace("\\ ", "").replace("\\", ""))


def _indent(line):
    return len(line) - len(line.lstrip(" "))


def paragraphs(source):
    """Yield prose paragraphs of one reST document."""
    out, para, drop = [], [], False
    skip_above = None      # skip lines indented more than this (literal/code/comment body)
    literal_after = None   # a paragraph ended with "::": its indent

    def flush():
        nonlocal para, drop, literal_after
        if para and not drop:
            text = " ".join(para)
            if text.endswith("::"):
                text = text[:-2].rstrip() + (":" if not text[:-2].endswith(" ") else "")
                literal_after = para_indent[0]
            text = inline(text).rstrip(":") + (":" if text.endswith(":") else "")
            if re.search(r"[A-Za-z]{2}", text):
                out.append(text)
        elif para and " ".join(para).endswith("::"):
            literal_after = para_indent[0]
        para, drop = [], False

    para_indent = [0]
    for line in source.splitlines():
        line = line.expandtabs(8).rstrip()
        if skip_above is not None:
            if not line or _indent(line) > skip_above:
                continue
            skip_above = None
        if not line:
            flush()
            continue
        indent = _indent(line)
        if literal_after is not None:
            if indent > literal_after:
                skip_above = literal_after
                literal_after = None
                continue
            literal_after = None
        directive = DIRECTIVE.match(line)
        if directive:
            flush()
            name = directive.group(2)
            if name is None or name in SKIPPED_DIRECTIVES:
                skip_above = indent  # comment, label or code/table directive: drop the body
            continue  # a prose directive: drop its signature line, keep its body
        if ADORNMENT.match(line):
            if para and not drop:  # the paragraph so far was a heading
                flush()
            else:
                para, drop = [], False
            continue
        if BULLET.match(line) and para:
            flush()
        if not para:
            para_indent[0] = indent
            if FIELD.match(line) or line.lstrip().startswith((">>>", "|")):
                drop = True
        if TABLE_LINE.match(line):
            drop = True
        para.append(BULLET.sub("", line, count=1).strip() if not para else line.strip())
    flush()
    return out


def records(directory=PYDOC_DIR, prefix="pydoc", suffix=".rst.txt", skip=("includes",)):
    """Yield (id, text) documents from every `*<suffix>` file (`.gz` read compressed) under
    `directory`, in path order, leaving out the top-level folders in `skip`."""
    paths = sorted(glob.glob(os.path.join(directory, "**", "*" + suffix), recursive=True))
    if not paths:
        raise FileNotFoundError(f"{directory}: no *{suffix} files (is the doc package installed?)")
    for path in paths:
        rel = os.path.relpath(path, directory)[: -len(suffix)]
        if rel.split(os.sep, 1)[0] in skip:
            continue
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8", errors="replace") as f:
            paras = paragraphs(f.read())
        for i, text in enumerate(group_paragraphs(paras)):
            yield f"{prefix}/{rel}/{i}", text
