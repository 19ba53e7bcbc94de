"""The plain parts of the TUI's downloads: the fit per variant, the summary line, the panel's
cells, the cache location and the On disk column."""

from __future__ import annotations

from functools import partial

from modelscout.display.columns import disk_columns
from modelscout.fit.estimate import Verdict
from modelscout.hub.download.job import Progress
from modelscout.hub.download.offer import build_offer
from modelscout.hub.download.queue import JobState, JobStatus
from modelscout.tui.downloads import job_summary, runs_here
from modelscout.tui.screens.downloads import duration, job_cells, progress_bar
from tests.catalog.factory import model
from tests.hub.download.test_offer import GGUF, WEIGHTS

GIB = 1024**3
PICO = model(id="pico", name="Pico", repo_id="acme/Pico", gguf_repo_id="acme/Pico-GGUF")


class RowFit:
    def __init__(self, rows: list[tuple[str, Verdict]]) -> None:
        self._rows = rows

    def model_fit(self, m: object) -> object:
        class Row:
            def __init__(self, quant: str, verdict: Verdict) -> None:
                self.quant, self.verdict = quant, verdict

        class Result:
            rows = [Row(q, v) for q, v in self._rows]

        return Result()


def test_runs_here_reads_the_fit_row_of_the_variant_precision() -> None:
    fit = RowFit([("F16/BF16", Verdict.CPU), ("Q8_0", Verdict.OFFLOAD), ("Q4_K_M", Verdict.GPU)])
    judge = partial(runs_here, PICO, fit)  # type: ignore[arg-type]
    offer = build_offer(PICO.name, [WEIGHTS, GGUF], 10 * GIB, 0, runs_here=judge)
    assert {c.variant.name: c.runs_here for c in offer.choices} == {
        "safetensors": "CPU",
        "all": None,
        "gguf:Q4_K_M": "GPU",
        "gguf:Q8_0": "GPU+CPU",
    }
    assert runs_here(PICO, None, offer.choices[0].variant) is None  # no fit engine: unknown


def job(state: JobState, **progress: object) -> JobStatus:
    values: dict[str, object] = {"bytes_done": 0, "bytes_total": None, "files_done": 0}
    values["files_total"] = 0
    values.update(progress)
    return JobStatus(1, "acme/Pico", "safetensors", state, Progress(**values))  # type: ignore[arg-type]


def test_summary_line_names_running_jobs_and_counts_queued_ones() -> None:
    running = job(JobState.RUNNING, bytes_done=GIB, bytes_total=4 * GIB, speed_bytes_per_s=2**20)
    line = job_summary([running, job(JobState.QUEUED), job(JobState.DONE)])
    assert line.startswith("↓ Pico 25% 1.0 MiB/s · 1 queued")
    assert job_summary([job(JobState.DONE), job(JobState.FAILED)]) == ""


def test_panel_cells_show_speed_and_eta_only_while_running() -> None:
    running = job(
        JobState.RUNNING,
        bytes_done=GIB,
        bytes_total=2 * GIB,
        files_done=1,
        files_total=3,
        speed_bytes_per_s=3 * 2**20,
        eta_s=3725,
    )
    cells = job_cells(running)
    assert cells[3] == "██████░░░░░░  50%" and cells[4] == "1/3"
    assert cells[5:] == ("1.0 GiB / 2.0 GiB", "3.0 MiB/s", "1h02m")
    stopped = job_cells(job(JobState.CANCELLED, bytes_done=GIB, bytes_total=2 * GIB, eta_s=9))
    assert stopped[6:] == ("–", "–")
    assert (duration(None), duration(42), duration(185)) == ("–", "42s", "3m05s")
    assert progress_bar(None, 4) == "░░░░    –"


def test_disk_column_appears_once_something_is_on_disk_and_counts_the_gguf_repo() -> None:
    assert disk_columns({}) == ()
    (column,) = disk_columns({"acme/pico": GIB, "acme/pico-gguf": GIB})
    assert column.cell(PICO).text == "2.0 GiB"
    assert column.cell(model(id="other", repo_id="x/Other")).text == ""


def test_disk_column_marks_an_unfinished_download() -> None:
    (column,) = disk_columns({"acme/pico": GIB}, partial={"acme/pico"})
    assert column.cell(PICO) == ("~1.0 GiB", "warn")
