"""Everything that writes: readers, validation, normalisation, loading, demo data, the `python -m etl` CLI."""
