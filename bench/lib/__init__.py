"""Helpers for bench/run: measured subprocesses, archive sizes, baselines, fits, the report."""
