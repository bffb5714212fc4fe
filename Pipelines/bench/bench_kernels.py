"""`make bench-kernels`: lime's matmul next to numpy's OpenBLAS, same shapes, same run.

Usage: python3 bench_kernels.py path/to/lime [--rounds R] [--shapes all]
For each transformer shape and thread count (1 and all cores) it runs `lime bench matmul`
and numpy alternately R times, keeps each side's best, and prints one JSON line per case
with both GFLOP/s and the ratio. Exits non-zero if a run fails.
"""
import json
import os
import subprocess
import sys

SHAPES = [(4096, 512, 2048), (4096, 2048, 512), (512, 512, 512), (1024, 1024, 1024)]
# The training step's transposed forms (d_model 256, 2048 tokens, vocabulary 8000), with --shapes all.
TRAIN_SHAPES = [(2048, 256, 8000, False, True), (8000, 2048, 256, True, False), (2048, 8000, 256, False, False),
                (2048, 704, 256, False, False), (704, 2048, 256, True, False), (2048, 1408, 256, False, True)]
HERE = os.path.dirname(os.path.abspath(__file__))


def run_json(cmd, env=None):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    lime = sys.argv[1]
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3
    cores = os.cpu_count() or 1
    shapes = [s + (False, False) for s in SHAPES]
    if "--shapes" in sys.argv and sys.argv[sys.argv.index("--shapes") + 1] == "all":
        shapes += TRAIN_SHAPES
    for threads in sorted({1, cores}):
        env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
        for m, k, n, ta, tb in shapes:
            flags = (["--transpose-a"] if ta else []) + (["--transpose-b"] if tb else [])
            ours, ref = 0.0, 0.0
            for _ in range(rounds):
                ours = max(ours, run_json([lime, "bench", "matmul", str(m), str(k), str(n),
                                           "--threads", str(threads)] + flags)["gflops"])
                ref = max(ref, run_json([sys.executable, os.path.join(HERE, "numpy_matmul.py"),
                                         str(m), str(k), str(n)] + flags, env)["gflops"])
            op = ("At" if ta else "A") + ("Bt" if tb else "B")
            print(json.dumps({"shape": f"{m}x{k}x{n}", "op": op, "threads": threads, "lime_gflops": ours,
                              "numpy_gflops": ref, "ratio": round(ours / ref, 3),
                              "load": round(os.getloadavg()[0], 2)}), flush=True)


if __name__ == "__main__":
    main()
