"""Project pipelines: concrete candidate projects at named facilities, read from CSV or Parquet files that a
case lists (``pipelines:``), ranked in one MILP together with the national programmes (docs/pipelines.md)."""
