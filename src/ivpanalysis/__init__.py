"""ivpanalysis: reproducible IVP evaluation reports from public Dutch safety data."""
__version__ = "0.1.0"  # before the imports: fetch records it in provenance

from .activities import activities_summary, read_register
from .embedded import load, load_default
from .explorer import explore
from .fetch import snapshot_from_file
from .gap import gap_across, gap_over_time
from .indicators import dashboard
from .loaders import read
from .police import police_table
from .trend import fit_trend, project

__all__ = ["read", "load", "load_default", "police_table", "dashboard", "fit_trend", "project",
           "gap_across", "gap_over_time", "activities_summary", "read_register",
           "snapshot_from_file", "explore"]
