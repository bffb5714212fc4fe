"""Shared helpers for the corpus builders: paragraph grouping and atomic JSONL output."""
import json
import os
import tempfile


def normalize(text):
    """Collapse every run of whitespace to one space and trim."""
    return " ".join(text.split())


def group_paragraphs(paragraphs, target=1500, minimum=300):
    """Join consecutive paragraphs ("\\n\\n") into documents of about `target` characters.

    A trailing group shorter than `minimum` is merged into the previous document.
    """
    docs, current, size = [], [], 0
    for para in paragraphs:
        current.append(para)
        size += len(para) + 2
        if size >= target:
            docs.append("\n\n".join(current))
            current, size = [], 0
    if current:
        tail = "\n\n".join(current)
        if docs and len(tail) < minimum:
            docs[-1] += "\n\n" + tail
        else:
            docs.append(tail)
    return docs


def write_jsonl(path, records):
    """Write (id, text) records as JSONL atomically (temp file, fsync, rename).

    Returns (documents, bytes of text, whitespace tokens). Empty texts are skipped.
    """
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    count = nbytes = words = 0
    seen = set()
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            for doc_id, text in records:
                if not text.strip():
                    continue
                if doc_id in seen:
                    raise ValueError(f"{path}: duplicate document id {doc_id!r}")
                seen.add(doc_id)
                out.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
                count += 1
                nbytes += len(text.encode("utf-8"))
                words += len(text.split())
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return count, nbytes, words
