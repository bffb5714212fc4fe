"""`make bench-kernels`: lime's matmul next to numpy's OpenBLAS, same shapes, same run.

Usage: python3 bench_kernels.py path/to/lime [--rounds R]
For each transformer shape and thread count (1 and all cores) it runs `lime bench matmul`
and numpy alternately R times, keeps each side's best, and prints one JSON line per case
with both GFLOP/s and the ratio. Exits non-zero if a run fails.
"""
import json
import os
import subprocess
import sys

SHAPES = [(4096, 512, 2048), (4096, 2048, 512), (512, 512, 512), (1024, 1024, 1024)]
HERE = os.path.dirname(os.path.abspath(__file__))


def run_json(cmd, env=None):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    lime = sys.argv[1]
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3
    cores = os.cpu_count() or 1
    for threads in sorted({1, cores}):
        env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
        for m, k, n in SHAPES:
            ours, ref = 0.0, 0.0
            for _ in range(rounds):
                ours = max(ours, run_json([lime, "bench", "matmul", str(m), str(k), str(n),
                                           "--threads", str(threads)])["gflops"])
                ref = max(ref, run_json([sys.executable, os.path.join(HERE, "numpy_matmul.py"),
                                         str(m), str(k), str(n)], env)["gflops"])
            print(json.dumps({"shape": f"{m}x{k}x{n}", "threads": threads, "lime_gflops": ours,
                              "numpy_gflops": ref, "ratio": round(ours / ref, 3)}), flush=True)


if __name__ == "__main__":
    main()
