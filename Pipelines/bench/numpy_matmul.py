"""Time numpy (OpenBLAS) float32 matmul; prints one JSON line like `lime bench matmul`.

Usage: OPENBLAS_NUM_THREADS=T python3 numpy_matmul.py M K N [repeats]
(the thread count must be set in the environment before numpy loads).
"""
import json
import os
import sys
import time

import numpy as np


def main() -> None:
    m, k, n = (int(x) for x in sys.argv[1:4])
    repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    rng = np.random.default_rng(1)
    a = (rng.random((m, k), dtype=np.float32) - 0.5)
    b = (rng.random((k, n), dtype=np.float32) - 0.5)
    c = np.empty((m, n), dtype=np.float32)
    np.matmul(a, b, out=c)
    best = float("inf")
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        np.matmul(a, b, out=c)
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"bench": "numpy_matmul", "m": m, "k": k, "n": n,
                      "threads": int(os.environ.get("OPENBLAS_NUM_THREADS", "0")),
                      "seconds": round(best, 6), "gflops": round(2.0 * m * k * n / best / 1e9, 2)}))


if __name__ == "__main__":
    main()
