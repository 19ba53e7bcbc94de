"""Hardware detection: one module per source, assembled into a frozen `Hardware` record by detect.py.

Every reader takes what it reads (a /proc path, a sysfs root, an NVML module, a sysctl runner) as a
parameter, so tests replay answers recorded on real machines. Nothing here imports a UI.
"""

from __future__ import annotations
