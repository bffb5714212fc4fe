"""Fixtures shared by the Python tests."""
import pytest

from fault_support import corpus, outputs, run
from test_swift_shards import lime_binary


@pytest.fixture(scope="session")
def reference(tmp_path_factory):
    """An uninterrupted run of the fault tests' corpus: (lime, input path, output hashes)."""
    work = tmp_path_factory.mktemp("faults")
    lime = lime_binary()
    inputs = corpus(work / "corpus.jsonl", 8)
    result = run(lime, inputs, work / "reference")
    assert result.returncode == 0, result.stderr
    return lime, inputs, outputs(work / "reference")
