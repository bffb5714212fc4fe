"""Time numpy (OpenBLAS) float32 matmul; prints one JSON line like `lime bench matmul`.

Usage: OPENBLAS_NUM_THREADS=T python3 numpy_matmul.py M K N [repeats] [--transpose-a] [--transpose-b]
(the thread count must be set in the environment before numpy loads).
"""
import json
import os
import sys
import time

import numpy as np


def main() -> None:
    args = [x for x in sys.argv[1:] if not x.startswith("--")]
    ta, tb = "--transpose-a" in sys.argv, "--transpose-b" in sys.argv
    m, k, n = (int(x) for x in args[0:3])
    repeats = int(args[3]) if len(args) > 3 else 5
    rng = np.random.default_rng(1)
    # Transposed operands are views of k-major / n-major storage, as in lime's backward pass.
    a = (rng.random((k, m), dtype=np.float32) - 0.5).T if ta else (rng.random((m, k), dtype=np.float32) - 0.5)
    b = (rng.random((n, k), dtype=np.float32) - 0.5).T if tb else (rng.random((k, n), dtype=np.float32) - 0.5)
    c = np.empty((m, n), dtype=np.float32)
    np.matmul(a, b, out=c)
    best = float("inf")
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        np.matmul(a, b, out=c)
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"bench": "numpy_matmul", "m": m, "k": k, "n": n, "transpose_a": ta, "transpose_b": tb,
                      "threads": int(os.environ.get("OPENBLAS_NUM_THREADS", "0")),
                      "seconds": round(best, 6), "gflops": round(2.0 * m * k * n / best / 1e9, 2)}))


if __name__ == "__main__":
    main()
