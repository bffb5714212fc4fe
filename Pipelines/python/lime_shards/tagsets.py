"""lime's tag sets (mirror of Sources/LimeText/TagSet.swift; Schemas/tagsets.json wins when present).

Ids 0, 1, 2 are reserved in every set: `<pad>`, `<unk>`, `<sep>`.
"""
import hashlib
import json
import os

PAD, UNK, SEP = 0, 1, 2
RESERVED = ["<pad>", "<unk>", "<sep>"]

TAG = RESERVED + [
    "$", "''", ",", "-LRB-", "-RRB-", ".", ":", "ADD", "AFX", "CC", "CD", "DT", "EX",
    "FW", "HYPH", "IN", "JJ", "JJR", "JJS", "LS", "MD", "NFP", "NN", "NNP", "NNPS",
    "NNS", "PDT", "POS", "PRP", "PRP$", "RB", "RBR", "RBS", "RP", "SYM", "TO", "UH",
    "VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "WDT", "WP", "WP$", "WRB", "XX", "_SP", "``",
]
POS = RESERVED + [
    "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON",
    "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X", "SPACE",
]
ENTITY_TYPES = [
    "CARDINAL", "DATE", "EVENT", "FAC", "GPE", "LANGUAGE", "LAW", "LOC", "MONEY", "NORP",
    "ORDINAL", "ORG", "PERCENT", "PERSON", "PRODUCT", "QUANTITY", "TIME", "WORK_OF_ART",
]
NER = RESERVED + ["O"] + [f"{p}-{t}" for t in ENTITY_TYPES for p in ("B", "I")]

SCHEMA_PATH = os.path.join(os.path.dirname(__file__), "..", "..", "..", "Schemas", "tagsets.json")


def _escape(label):
    return label.replace("\\", "\\\\").replace('"', '\\"')


def canonical_json(sets=None):
    """The canonical bytes of Schemas/tagsets.json (same layout as TagSets.canonicalJSON)."""
    sets = sets or {"tag": TAG, "pos": POS, "ner": NER}
    out = '{\n  "reserved": {"pad": 0, "unk": 1, "sep": 2},\n  "version": 1'
    for name in ("tag", "pos", "ner"):
        out += f',\n  "{name}": [' + ", ".join(f'"{_escape(x)}"' for x in sets[name]) + "]"
    return (out + "\n}\n").encode("utf-8")


def load(path=SCHEMA_PATH):
    """{"tag": [...], "pos": [...], "ner": [...]} from Schemas/tagsets.json, else the built-in lists."""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        return {name: data[name] for name in ("tag", "pos", "ner")}
    return {"tag": TAG, "pos": POS, "ner": NER}


def sha256(path=SCHEMA_PATH):
    """SHA-256 (bytes) of the tag sets: the schema file's bytes, else the canonical JSON."""
    if os.path.exists(path):
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).digest()
    return hashlib.sha256(canonical_json()).digest()


class Lookup:
    """Label -> id maps for the three sets; unknown labels map to UNK."""

    def __init__(self, sets=None):
        sets = sets or load()
        self.labels = sets
        self.ids = {name: {label: i for i, label in enumerate(labels)} for name, labels in sets.items()}

    def id(self, name, label):
        return self.ids[name].get(label, UNK)
