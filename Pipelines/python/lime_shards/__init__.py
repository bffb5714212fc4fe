"""Reader for lime shards (Schemas/shard-format.md): verify, iterate documents and windows.

    from lime_shards import Dataset
    ds = Dataset("out/run1")
    ds.verify()
    for doc in ds.documents(): ...
    for w in ds.windows(1024, separator_token=3): ...

Depends on numpy and zstandard; torch is optional (LimeIterableDataset).
"""
from .format import KINDS, ShardError, ShardFormatError
from .reader import Dataset, Shard
from .loader import LimeIterableDataset, hf_dataset, hf_generator
from .windows import windows

__all__ = ["Dataset", "Shard", "ShardError", "ShardFormatError", "LimeIterableDataset", "hf_dataset", "hf_generator", "windows", "KINDS"]
