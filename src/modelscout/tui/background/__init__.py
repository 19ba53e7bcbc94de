"""The TUI's work off the UI thread: loading, querying, hardware, refresh, idle collection.

Each piece reports back by messages (`tui/messages.py`) or results, never by calling a screen.
"""
