"""THADS Quảng Ngãi citizen bot."""

__version__ = "0.1.0"  # as pyproject.toml (tests/test_healthz.py checks it); /healthz reports it
