"""ivpanalysis: reproducible IVP evaluation reports from public Dutch safety data."""
from .indicators import dashboard
from .embedded import load, load_default
from .loaders import read
from .police import police_table

__version__ = "0.1.0"
__all__ = ["read", "load", "load_default", "police_table", "dashboard"]
