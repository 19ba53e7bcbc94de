"""Fitting the speed constants to the published runs in `data/measurements/decode.csv`.

Each row is one single-stream decode run: a model (with its parameter counts), a quantisation, a
hardware profile, the backend and engine it ran on, and the tokens/s measured, with its source.
The fit minimises the relative error of seconds per token (weights 1 / measured²) by linear least
squares over the terms `speed.features` names, plus Ollama's extra fixed cost per token, which
only the fit sees. Leave-one-out refits without each row in turn (a rank-one downdate of the
normal equations), so a row's error is that of a model that never saw it.
"""

from __future__ import annotations

import csv
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from modelscout.fit.quants import QUANTS_BY_NAME
from modelscout.fit.speed import BACKENDS, DevicePass, SpeedCalibration, features, legacy_gpu
from modelscout.hardware.gpu import Gpu
from modelscout.hardware.profiles import PROFILES_BY_KEY, Profile

COLUMNS: tuple[str, ...] = (
    "model",
    "catalog_id",
    "total_params_b",
    "active_params_b",
    "params_source",
    "quant",
    "hardware",
    "backend",
    "engine",
    "engine_version",
    "context_tokens",
    "tok_s",
    "source",
    "note",
)
ENGINES: frozenset[str] = frozenset({"llama.cpp", "ollama"})
RIDGE = 1e-12  # keeps a term no row exercises at zero instead of making the system singular


@dataclass(frozen=True)
class Measurement:
    model: str
    total_params_b: float
    active_params_b: float
    quant: str
    hardware: str
    backend: str
    engine: str
    context_tokens: int
    tok_s: float
    source: str
    note: str = ""

    @property
    def moe(self) -> bool:
        return self.active_params_b < self.total_params_b

    def parts(self) -> list[DevicePass]:
        """The run as the estimate sees it: every byte on one device at its published bandwidth."""
        profile = PROFILES_BY_KEY[self.hardware]
        bits = QUANTS_BY_NAME[self.quant].bits_per_weight
        weights = self.active_params_b * 1e9 * bits / 8
        threads = profile.cpu_cores or 1
        if self.backend == "cpu" and profile.cpu_cores is None:
            threads = UNIFIED_CPU_CORES.get(self.hardware, 1)
        return [
            DevicePass(
                weights,
                profile.bandwidth_bytes_per_s,
                self.backend,
                moe=self.moe,
                legacy=legacy_gpu(planned_gpu(profile)) if self.backend == "cuda" else False,
                threads=threads,
            )
        ]


def planned_gpu(profile: Profile) -> Gpu:
    return Gpu(
        profile.vendor,
        profile.name,
        0,
        profile.memory_bytes,
        None,
        compute_capability=profile.compute_capability,
    )


# CPU cores of unified-memory machines whose CPU ran a row (AMD: Ryzen AI Max+ 395, 16 cores).
UNIFIED_CPU_CORES: dict[str, int] = {"strix-halo-128": 16, "strix-halo-64": 16}


def load_measurements(path: Path) -> list[Measurement]:
    """Read and check the table; a row that names an unknown profile or quant is an error."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{path}: columns must be {', '.join(COLUMNS)}")
        rows = [_measurement(row, path, n) for n, row in enumerate(reader, start=2)]
    return rows


def _measurement(row: dict[str, str], path: Path, line: int) -> Measurement:
    where = f"{path}:{line}"
    if row["hardware"] not in PROFILES_BY_KEY:
        raise ValueError(f"{where}: unknown hardware profile {row['hardware']!r}")
    if row["quant"] not in QUANTS_BY_NAME:
        raise ValueError(f"{where}: unknown quantisation {row['quant']!r}")
    if row["backend"] not in BACKENDS or row["engine"] not in ENGINES:
        raise ValueError(f"{where}: unknown backend or engine")
    total, active, tok_s = (float(row[k]) for k in ("total_params_b", "active_params_b", "tok_s"))
    if not (0 < active <= total < 10_000 and 0 < tok_s < 100_000):
        raise ValueError(f"{where}: parameters or tokens/s out of range")
    if not row["source"].startswith("https://"):
        raise ValueError(f"{where}: every run needs its source URL")
    return Measurement(
        row["model"],
        total,
        active,
        row["quant"],
        row["hardware"],
        row["backend"],
        row["engine"],
        int(row["context_tokens"]),
        tok_s,
        row["source"],
        row["note"],
    )


def terms(measurement: Measurement) -> dict[str, float]:
    found: dict[str, float] = {}
    for part in measurement.parts():
        for name, value in features(part).items():
            found[name] = found.get(name, 0.0) + value
    if measurement.engine == "ollama":
        found["o"] = 1.0
    return found


TERM_NAMES: tuple[str, ...] = (
    *(f"a:{b}" for b in BACKENDS),
    *(f"c:{b}" for b in BACKENDS),
    "m",
    "l",
    "o",
)


def _vector(measurement: Measurement) -> list[float]:
    found = terms(measurement)
    return [found.get(name, 0.0) for name in TERM_NAMES]


def _normal_equations(
    rows: Iterable[Measurement],
) -> tuple[list[list[float]], list[float]]:
    size = len(TERM_NAMES)
    matrix = [[0.0] * size for _ in range(size)]
    rhs = [0.0] * size
    for row in rows:
        _accumulate(matrix, rhs, row, 1.0)
    return matrix, rhs


def _accumulate(matrix: list[list[float]], rhs: list[float], row: Measurement, sign: float) -> None:
    v = _vector(row)
    y = 1 / row.tok_s
    w = sign / (y * y)
    for i, vi in enumerate(v):
        if vi:
            rhs[i] += w * vi * y
            for j, vj in enumerate(v):
                matrix[i][j] += w * vi * vj


def _solve(matrix: list[list[float]], rhs: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting on a small, ridge-regularised system."""
    size = len(rhs)
    m = [row[:] + [value] for row, value in zip(matrix, rhs, strict=True)]
    for i in range(size):
        m[i][i] += RIDGE
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        if m[col][col] == 0:
            continue
        for r in range(size):
            if r != col and m[r][col]:
                factor = m[r][col] / m[col][col]
                for c in range(col, size + 1):
                    m[r][c] -= factor * m[col][c]
    return [m[i][size] / m[i][i] if m[i][i] else 0.0 for i in range(size)]


def _calibration(
    solution: Sequence[float], runs: int, median: float, p90: float
) -> SpeedCalibration:
    value = dict(zip(TERM_NAMES, solution, strict=True))
    return SpeedCalibration(
        time_over_ceiling={b: value[f"a:{b}"] for b in BACKENDS},
        fixed_seconds={b: value[f"c:{b}"] for b in BACKENDS},
        moe_time_over_ceiling=value["m"],
        legacy_time_over_ceiling=value["l"],
        ollama_fixed_seconds=value["o"],
        runs=runs,
        loo_median_error=median,
        loo_p90_error=p90,
    )


def predict_tps(solution: Sequence[float], measurement: Measurement) -> float:
    seconds = sum(a * b for a, b in zip(solution, _vector(measurement), strict=True))
    return 1 / seconds if seconds > 0 else math.inf


@dataclass(frozen=True)
class RowError:
    measurement: Measurement
    ceiling_tps: float
    fitted_tps: float  # from the fit on every row
    loo_tps: float  # from the fit without this row

    @property
    def loo_error(self) -> float:
        return self.loo_tps / self.measurement.tok_s - 1

    @property
    def ceiling_error(self) -> float:
        return self.ceiling_tps / self.measurement.tok_s - 1


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile: a value of the list, so it is never better than a real row."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def evaluate(rows: Sequence[Measurement]) -> tuple[SpeedCalibration, list[RowError]]:
    """The fit on every row (with its leave-one-out error) and each row's errors."""
    matrix, rhs = _normal_equations(rows)
    solution = _solve(matrix, rhs)
    errors = []
    for row in rows:
        held_matrix = [line[:] for line in matrix]
        held_rhs = rhs[:]
        _accumulate(held_matrix, held_rhs, row, -1.0)
        held = _solve(held_matrix, held_rhs)
        ceiling = 1 / sum(p.ceiling_seconds for p in row.parts())
        errors.append(RowError(row, ceiling, predict_tps(solution, row), predict_tps(held, row)))
    loo = [abs(e.loo_error) for e in errors]
    calibration = _calibration(solution, len(rows), statistics.median(loo), percentile(loo, 0.9))
    return calibration, errors


def fit_calibration(rows: Sequence[Measurement]) -> SpeedCalibration:
    return evaluate(rows)[0]
