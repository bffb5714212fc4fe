# Trainer data loading (issue 20). Included from the top-level Makefile (-include Pipelines/make/*.mk).
.PHONY: bench-loader

## bench-loader: peak RSS of the global shuffle on a dataset larger than the budget; random vs sequential reads (Swift, Python)
bench-loader: release
	$(PYTHON) Pipelines/bench/bench_loader.py --lime $(RELEASE_BIN) --work bench-out/loader
