"""Text for people, shared by the CLI and the TUI: numbers, terminal cells, field descriptions, table columns."""
