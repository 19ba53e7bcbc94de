"""Errors a user can act on; the CLI prints them as one line, the TUI as a notification."""

from __future__ import annotations


class ModelscoutError(Exception):
    """Base class: the message is the whole story, written for the person at the keyboard."""


class CatalogError(ModelscoutError):
    pass


class UsageError(ModelscoutError):
    """The command line or the query asked for something malformed: exit status 2."""


class QueryError(UsageError):
    """A bad query token; `position` is its character offset in the query text."""

    def __init__(self, message: str, token: str = "", position: int = 0) -> None:
        super().__init__(message)
        self.token = token
        self.position = position


class HardwareError(ModelscoutError):
    pass


class DownloadError(ModelscoutError):
    pass
