"""bench/run's parts: one module per section, and the report."""
