"""esr-geo: geospatial planning for Ontario's Employment Services Transformation."""

from esr_geo.errors import DataError, InputError

__version__ = "0.1.0"

__all__ = ["DataError", "InputError", "__version__"]
