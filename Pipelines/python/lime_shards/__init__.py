"""Reader for lime shards (Schemas/shard-format.md): verify, iterate documents and windows.

    from lime_shards import Dataset
    ds = Dataset("out/run1")
    ds.verify()
    for doc in ds.documents(): ...
    for w in ds.windows(1024, separator_token=3): ...
    doc = ds[17]; w = ds.window(5, 1024, separator_token=3)   # random access
    mix = LimeMixtureDataset("mix.yaml", 1024)                 # weighted mixture of datasets

Depends on numpy and zstandard; torch is optional (LimeIterableDataset).
"""
from .format import KINDS, ShardError, ShardFormatError
from .reader import Dataset, Shard
from .loader import LimeIterableDataset, hf_dataset, hf_generator
from .mixture import LimeMixtureDataset, Mixture, WeightedSchedule
from .windows import windows

__all__ = ["Dataset", "Shard", "ShardError", "ShardFormatError", "LimeIterableDataset", "hf_dataset", "hf_generator", "windows", "KINDS",
           "LimeMixtureDataset", "Mixture", "WeightedSchedule"]
