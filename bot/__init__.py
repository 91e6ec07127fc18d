"""mentorbot's platform-agnostic core."""

__version__ = "0.1.0"
