"""The README quotes what the code and the benchmark produce, not a copy made by hand."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_benchmark_table_is_benchmarks_results() -> None:
    readme = (ROOT / "README.md").read_text()
    quoted = readme.split("<!-- bench:start -->\n", 1)[1].split("<!-- bench:end -->", 1)[0]
    assert quoted == (ROOT / "benchmarks" / "results.md").read_text(), "run make bench: it writes both"
    assert "| step() cost, 1 param group |" in quoted
