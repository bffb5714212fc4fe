# Trainer targets (issue 4). Included from the top-level Makefile:  include Pipelines/make/train.mk
# LIME_SCRATCH lets parallel agents keep separate build directories.
LIME_SCRATCH ?= .build
LIME_RELEASE = swift build -c release --scratch-path $(LIME_SCRATCH) --product lime
LIME_BIN = $(LIME_SCRATCH)/release/lime
ALLOC_COUNTER = $(LIME_SCRATCH)/alloc/liballoc_counter.so

.PHONY: bench-kernels bench-train check-train-alloc check-fma test-train

# Matmul GFLOP/s next to numpy's OpenBLAS (same shapes, same run, ratio printed), then
# training throughput of the 4-layer d256 model on 1 thread and all threads, with profile.
bench-kernels:
	$(LIME_RELEASE)
	python3 Pipelines/bench/bench_kernels.py $(LIME_BIN) --rounds 3 --shapes all
	$(MAKE) --no-print-directory bench-train

bench-train:
	$(LIME_RELEASE)
	$(LIME_BIN) bench train --layers 4 --d-model 256 --heads 4 --ctx 256 --batch 8 --vocab 8000 --threads 1 --steps 5 --profile
	$(LIME_BIN) bench train --layers 4 --d-model 256 --heads 4 --ctx 256 --batch 8 --vocab 8000 --steps 5 --profile

# Counts heap allocations per training step with a preloaded malloc counter.
check-train-alloc:
	$(LIME_RELEASE)
	mkdir -p $(dir $(ALLOC_COUNTER))
	cc -O2 -shared -fPIC -o $(ALLOC_COUNTER) Pipelines/bench/alloc_counter.c
	LD_PRELOAD=$(abspath $(ALLOC_COUNTER)) $(LIME_BIN) bench train --layers 2 --d-model 128 --heads 4 --ctx 64 --batch 4 --vocab 1000 --steps 3 --metadata 50,37

# Release builds must use FMA instructions in the matmul micro-kernel, never calls to fmaf.
check-fma:
	$(LIME_RELEASE)
	test "$$(objdump -d --no-show-raw-insn $(LIME_BIN) | grep -c 'vfmadd')" -gt 0
	test "$$(objdump -d $(LIME_BIN) | grep -c 'call.*<fmaf')" -eq 0

# Gradient checks, determinism, overfit and the numpy reference (Tests/reference/) all run
# inside `swift test`; this target runs just the trainer's suites.
test-train:
	swift test --scratch-path $(LIME_SCRATCH) --filter LimeTransformerTests

# Training throughput with LIME metadata embeddings (tag + ner tables) vs the baseline.
bench-lime-overhead:
	$(LIME_RELEASE)
	python3 Pipelines/bench/bench_lime_overhead.py $(LIME_BIN) --rounds 3 --threads 1
