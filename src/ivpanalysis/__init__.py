"""ivpanalysis: reproducible IVP evaluation reports from public Dutch safety data."""
from .activities import activities_summary, read_register
from .embedded import load, load_default
from .gap import gap_across, gap_over_time
from .indicators import dashboard
from .loaders import read
from .police import police_table
from .trend import fit_trend, project

__version__ = "0.1.0"
__all__ = ["read", "load", "load_default", "police_table", "dashboard", "fit_trend", "project",
           "gap_across", "gap_over_time", "activities_summary", "read_register"]
