"""medtek's benchmark: `python -m bench` (or `make bench`) measures the quality bars of DESIGN.md §4.

It creates its own database (PostgreSQL `medtek_bench`, or a temporary SQLite file), fills it with
generated organisations, devices and their events, measures, prints a table, writes JSON under
bench/results/ and drops the database again. See docs/benchmarks.md for the figures and how to read them.

Sections: `bench.register` (import, device list API, detail page, as-of counts) and, where present,
`bench.pm` and `bench.billing`; each section module has `run(ctx: bench.context.BenchContext) -> dict`.
"""
