"""ivpanalysis: reproducible IVP evaluation reports from public Dutch safety data."""
from .embedded import load_default
from .loaders import read

__version__ = "0.1.0"
__all__ = ["read", "load_default"]
