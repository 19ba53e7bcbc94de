"""Choose, check and pull open-weight language models from one terminal screen."""

__version__ = "0.1.0"
