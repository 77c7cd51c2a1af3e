"""SQL backends: the IR as sqlglot trees (from_ir), rendered per dialect and run on DuckDB or Spark."""
