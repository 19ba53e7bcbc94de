"""Pulling a repo into the HF cache: what to fetch (variants, offer), how (job, transfer, placement), the queue, and the local cache."""
