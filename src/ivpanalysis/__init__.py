"""ivpanalysis: reproducible IVP evaluation reports from public Dutch safety data."""
__version__ = "0.1.0"
