"""`modelscout compare A B [C D]`: the CLI twin of the TUI's compare screen."""

from __future__ import annotations

import json

import pytest

from modelscout.cli import main
from tests.tui.helpers import FIXTURE_CATALOG

PLANNED = ("--vram", "16G", "--ram", "32G", "--gpus", "1")


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--catalog", str(FIXTURE_CATALOG), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_compare_json_has_each_model_its_fit_and_the_fields_side_by_side(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run_cli(
        capsys, "compare", "pico-1.7b", "giant-671b", "swarm-30b", *PLANNED, "--json"
    )
    assert code == 0, err
    result = json.loads(out)
    assert [m["id"] for m in result["models"]] == ["pico-1.7b", "giant-671b", "swarm-30b-a3b"]
    assert result["hardware"].startswith("1× ") and "GPU 16 GiB" in result["hardware"]
    pico, giant, swarm = result["models"]
    assert pico["twins"] == ["pico-1.7b-reasoning"] and giant["twins"] == []
    assert pico["fit"]["verdict"] == "fits on the GPU"
    assert giant["fit"]["verdict"] == "does not fit" and giant["fit"]["best_quant"] is None
    assert swarm["sources"] and swarm["tier"] == "small"
    fields = {row["label"]: row for row in result["fields"]}
    assert fields["intelligence index"]["values"] == ["14", "45", "30"]
    # Each value carries the numbered sources that state it, per model.
    assert all(s.startswith("[") for s in fields["intelligence index"]["sources"])
    assert fields["architecture"]["values"] == ["dense", "mixture of experts", "mixture of experts"]


def test_compare_prints_fields_fit_per_quantisation_twins_and_sources(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    code, out, err = run_cli(capsys, "compare", "pico-1.7b", "quill-14b", *PLANNED)
    assert code == 0, err
    for heading in ("Fields", "On 1× planned GPU 16 GiB", "Twins (same weights)", "Sources"):
        assert heading in out
    q4 = next(line for line in out.splitlines() if line.strip().startswith("Q4_K_M"))
    assert q4.count("GPU") == 2  # both fit at Q4_K_M on 16 GiB
    assert "◀" in out and "Pico 1.7B (Reasoning) (pico-1.7b-reasoning)" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("pico-1.7b",), "compare takes 2 to 4 models, not 1"),
        (("pico-1.7b", "quill", "open", "lumen", "tall-70b"), "compare takes 2 to 4 models, not 5"),
        (("pico-1.7b", "pico-1.7b"), "pico-1.7b named twice"),
    ],
)
def test_compare_refuses_a_wrong_number_of_models_with_exit_2(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    code, out, err = run_cli(capsys, "compare", *argv)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_compare_an_unknown_model_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "compare", "pico-1.7b", "nonesuch")
    assert code == 1 and "no model matches 'nonesuch'" in err
    assert len(err.strip().splitlines()) == 1


def test_compare_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["compare", "--help"])
    out = capsys.readouterr().out
    assert "--vram" in out and out.count("modelscout compare ") >= 2
