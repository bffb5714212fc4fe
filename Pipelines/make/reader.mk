# Python reader targets (issue 18.4). Included from the top-level Makefile (-include Pipelines/make/*.mk).
.PHONY: bench-reader

## bench-reader: tokens/s of LimeIterableDataset windows with tags on one core vs a Megatron .bin/.idx memmap
bench-reader: release
	$(PYTHON) Pipelines/bench/bench_reader.py --lime $(RELEASE_BIN) --work bench-out/reader
