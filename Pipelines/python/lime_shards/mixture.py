"""Mixtures of lime datasets (Schemas/mixture.schema.json), the same files `lime train --data` takes.

    sources:
      - data: ../web      # a pipeline output directory, relative to this file
        weight: 3         # or tokens: N (budget per cycle) or epochs: E (passes, 0.5 subsamples)
      - data: ../books
        weight: 1

The interleave is smooth weighted round-robin over integer weights, exactly as the Swift
trainer's `WeightedSchedule` (weights scaled to millionths, or windows per cycle, reduced by
their gcd): over every cycle of W draws source s comes exactly w_s times, and over any N
consecutive draws its count is within 2 of N * w_s / W. Each source's windows come from its
own LimeIterableDataset (seed `(seed << 16) + index`), which moves to its next epoch when
it runs out. Needs PyYAML for reading the file.
"""
import math
import os

import numpy as np

from .format import ShardError
from .loader import LimeIterableDataset

STATE_VERSION = 1
KEYS = ("data", "weight", "tokens", "epochs")


class WeightedSchedule:
    """Smooth weighted round-robin over positive integer weights (ties to the lower index)."""

    def __init__(self, weights):
        weights = [int(w) for w in weights]
        if not weights or any(w <= 0 for w in weights):
            raise ValueError("mixture weights must be positive")
        self.weights, self.total = weights, sum(weights)
        self.credit = [0] * len(weights)

    def next(self):
        best = 0
        for s, w in enumerate(self.weights):
            self.credit[s] += w
            if self.credit[s] > self.credit[best]:
                best = s
        self.credit[best] -= self.total
        return best

    @staticmethod
    def reduced(values):
        g = 0
        for v in values:
            g = math.gcd(g, int(v))
        return [int(v) // g for v in values] if g > 1 else [int(v) for v in values]


class Mixture:
    """A parsed mixture file: `sources`, each {"data", "path" (resolved), one of weight/tokens/epochs}."""

    def __init__(self, path):
        self.path = str(path)
        try:
            import yaml
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ShardError(f"{path}: reading a mixture file needs PyYAML (pip install pyyaml)") from exc
        try:
            with open(path, encoding="utf-8") as f:
                top = yaml.safe_load(f)
        except OSError as exc:
            raise ShardError(f"{path}: cannot read mixture file ({exc.strerror})") from exc
        except yaml.YAMLError as exc:
            raise ShardError(f"{path}: invalid YAML ({exc})") from exc
        if not isinstance(top, dict):
            raise ShardError(f"{path}: expected a mapping with 'sources'")
        extra = [k for k in top if k != "sources"]
        if extra:
            raise ShardError(f"{path}: unknown key '{extra[0]}' (expected 'sources')")
        items = top.get("sources")
        if not isinstance(items, list) or not items:
            raise ShardError(f"{path}: 'sources' must be a non-empty list")
        base = os.path.dirname(os.path.abspath(path))
        self.sources = []
        for i, item in enumerate(items):
            at = f"{path}: source {i + 1}"
            if not isinstance(item, dict):
                raise ShardError(f"{at}: expected a mapping with 'data'")
            unknown = sorted(k for k in item if k not in KEYS)
            if unknown:
                raise ShardError(f"{at}: unknown key '{unknown[0]}' (data, weight, tokens, epochs)")
            data = item.get("data")
            if not isinstance(data, str) or not data:
                raise ShardError(f"{at}: 'data' must name a pipeline output directory")
            amounts = {k: item[k] for k in ("weight", "tokens", "epochs") if k in item}
            if len(amounts) != 1:
                raise ShardError(f"{at}: give exactly one of weight, tokens or epochs")
            (kind, value), = amounts.items()
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ShardError(f"{at}: '{kind}' must be a number")
            if not value > 0 or not math.isfinite(value):
                raise ShardError(f"{at}: '{kind}' must be positive")
            if kind == "tokens" and value != int(value):
                raise ShardError(f"{at}: 'tokens' must be a whole number")
            self.sources.append({"data": data, "path": os.path.normpath(os.path.join(base, data)), kind: value})
        weighted = sum("weight" in s for s in self.sources)
        if weighted not in (0, len(self.sources)):
            raise ShardError(f"{path}: mix 'weight' with 'tokens'/'epochs' is ambiguous: give weights "
                             f"for all sources or amounts for all")

    def schedule_weights(self, seq_len, windows_per_epoch):
        """Integer weights as the Swift trainer computes them; `windows_per_epoch(i)` is
        asked for sources given in epochs."""
        values = []
        for i, s in enumerate(self.sources):
            if "weight" in s:
                v = int(math.floor(s["weight"] * 1_000_000 + 0.5))
            elif "tokens" in s:
                v = int(s["tokens"]) // seq_len
            else:
                v = int(math.floor(s["epochs"] * windows_per_epoch(i) + 0.5))
            if v <= 0:
                raise ShardError(f"{self.path}: source {i + 1} ({s['data']}) amounts to no window of {seq_len} tokens")
            values.append(v)
        return WeightedSchedule.reduced(values)


class LimeMixtureDataset:
    """Windows of a mixture, interleaved by the schedule; each sample is a source's
    LimeIterableDataset sample plus "source" (its index in the file).

    LimeMixtureDataset(path, seq_len, seed=0, num_samples=None, **options): `options` go to
    every source's LimeIterableDataset (stride, separator_token, fields, shuffle,
    shuffle_shards, dtype, rank, world_size: every rank draws the same source sequence and
    takes its own block of each source's epoch). Iteration is endless unless `num_samples`
    is given; it runs in the calling process (no DataLoader-worker split). `state_dict()` /
    `load_state_dict()` resume exactly.
    """

    def __init__(self, path, seq_len, seed=0, num_samples=None, **options):
        if seed < 0:
            raise ValueError("seed must be non-negative")
        self.mixture = Mixture(path)
        self.seq_len, self.seed, self.num_samples = seq_len, seed, num_samples
        self.sources = [LimeIterableDataset(s["path"], seq_len, seed=(seed << 16) + i, **options)
                        for i, s in enumerate(self.mixture.sources)]
        for i, source in enumerate(self.sources):
            if source.num_windows == 0:
                raise ShardError(f"{path}: source {i + 1} ({self.mixture.sources[i]['data']}) holds no window of {seq_len}")
        self.weights = self.mixture.schedule_weights(seq_len, lambda i: self.sources[i].num_windows)
        self._reset()

    def _reset(self):
        self._plans = {}  # per source: its epoch's groups and positions (computed once per epoch)
        self.schedule = WeightedSchedule(self.weights)
        self.drawn = 0
        self.consumed = [0] * len(self.sources)   # samples taken from each source's current epoch
        for s in self.sources:
            s.set_epoch(0)

    def state_dict(self):
        return {"version": STATE_VERSION, "seed": self.seed, "weights": list(self.weights),
                "credit": list(self.schedule.credit), "drawn": self.drawn,
                "sources": [{"epoch": s.epoch, "consumed": c} for s, c in zip(self.sources, self.consumed)]}

    def load_state_dict(self, state):
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported mixture state version {state.get('version')}")
        if state["seed"] != self.seed or list(state["weights"]) != list(self.weights):
            raise ValueError("the state belongs to another mixture (seed or weights differ)")
        self.schedule.credit = [int(c) for c in state["credit"]]
        self.drawn = int(state["drawn"])
        self.consumed = [int(s["consumed"]) for s in state["sources"]]
        for source, s in zip(self.sources, state["sources"]):
            source.set_epoch(int(s["epoch"]))

    def _take(self, s):
        source = self.sources[s]
        if self.consumed[s] == source.per_rank:
            source.set_epoch(source.epoch + 1)
            self.consumed[s] = 0
        j = self.consumed[s]
        plan = self._plans.get(s)
        if plan is None or plan["epoch"] != source.epoch:
            groups, group_starts = source._groups(source.epoch)
            plan = self._plans[s] = {"epoch": source.epoch, "groups": groups, "starts": group_starts,
                                     "positions": source.rank_positions(0), "group": -1, "windows": None}
        k = int(plan["positions"][j])
        g = int(np.searchsorted(plan["starts"], k, side="right")) - 1
        if g != plan["group"]:
            plan["group"], plan["windows"] = g, source._group_windows(source.epoch, g, plan["groups"][g])
        w = int(plan["windows"][k - plan["starts"][g]])
        sample = source.window(w)
        sample["window"], sample["source"], sample["sample"] = w, s, self.drawn
        self.consumed[s] += 1
        return sample

    def __iter__(self):
        while self.num_samples is None or self.drawn < self.num_samples:
            s = self.schedule.next()
            sample = self._take(s)
            self.drawn += 1
            yield sample


__all__ = ["Mixture", "LimeMixtureDataset", "WeightedSchedule"]
