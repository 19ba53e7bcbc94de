from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from modelscout.catalog.location import write_catalog
from modelscout.cli import main
from tests.catalog.factory import document, entry


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_tiny_by_intelligence_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "list", "tier:tiny", "sort:-intelligence", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert rows and all(r["tier"] == "tiny" for r in rows)
    scores = [r["intelligence_index"] for r in rows]
    known = [s for s in scores if s is not None]
    assert scores[: len(known)] == sorted(known, reverse=True)
    assert all(s is None for s in scores[len(known) :])
    required = {
        "id",
        "name",
        "creator",
        "repo_id",
        "total_params_b",
        "active_params_b",
        "moe",
        "context_tokens",
        "reasoning",
        "modality",
        "intelligence_index",
        "price_usd_per_mtok",
        "speed_tps",
        "weights_available",
        "license",
        "gated",
        "release",
        "sources",
        "tier",
        "openness",
    }
    assert required <= set(rows[0])


def test_list_limit_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "list", "--limit", "2", "--json")
    assert code == 0 and len(json.loads(out)) == 2
    code, out, _ = run_cli(capsys, "list", "moe", "tier:small")
    assert code == 0 and "moe" in out and "models" in out


def test_bad_query_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "list", "tier:huge")
    assert code == 2 and out == ""
    assert err.startswith("modelscout: error: bad query: 'tier:huge': unknown tier")
    assert len(err.strip().splitlines()) == 1


def test_malformed_flag_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["list", "--limit", "many"])
    assert info.value.code == 2
    assert "'many' is not a whole number" in capsys.readouterr().err


def test_show_by_id_repo_and_prefix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.json"
    write_catalog(
        path,
        document(
            entry(id="alpha-7b", name="Alpha 7B", repo_id="org/Alpha-7B"),
            entry(
                id="alpha-7b-think", name="Alpha 7B Think", repo_id="org/Alpha-7B", reasoning=True
            ),
            entry(
                id="beta-1b",
                name="Beta 1B",
                repo_id="org/Beta",
                total_params_b=1.0,
                active_params_b=1.0,
            ),
        ),
    )
    code, out, _ = run_cli(capsys, "--catalog", str(path), "show", "beta", "--json")
    assert code == 0 and json.loads(out)["id"] == "beta-1b"
    code, out, _ = run_cli(capsys, "--catalog", str(path), "show", "alpha-7b", "--json")
    shown = json.loads(out)
    assert shown["twins"] == ["alpha-7b-think"]
    assert shown["hub_url"] == "https://huggingface.co/org/Alpha-7B"
    code, out, err = run_cli(capsys, "--catalog", str(path), "show", "gamma")
    assert code == 1 and "no model matches" in err
    code, _, err = run_cli(capsys, "--catalog", str(path), "show", "org/alpha-7b")
    assert code == 1 and "matches several models: alpha-7b, alpha-7b-think" in err
    code, out, _ = run_cli(capsys, "--catalog", str(path), "show", "Alpha 7B Think")
    assert code == 0 and "Alpha 7B Think" in out and "Sources" in out


def test_broken_catalogue_is_one_line_runtime_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, out, err = run_cli(capsys, "--catalog", str(bad), "list")
    assert code == 1 and out == ""
    assert err.strip() == f"modelscout: error: {bad}: not valid JSON (line 1 column 2)"


def test_catalog_option_after_the_subcommand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.json"
    write_catalog(path, document(entry(id="only")))
    code, out, _ = run_cli(capsys, "list", "--json", "--catalog", str(path))
    assert code == 0 and [r["id"] for r in json.loads(out)] == ["only"]


def test_version_and_help_in_a_real_process() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "modelscout", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.startswith("modelscout ")
    for command in ("list", "show"):
        done = subprocess.run(
            [sys.executable, "-m", "modelscout", command, "--help"], capture_output=True, text=True
        )
        assert done.returncode == 0 and "usage: modelscout" in done.stdout


def test_show_prints_catalogue_text_as_it_is_and_long_values_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Brackets are rich markup: "[beta]" vanished from the output and "[/x]" crashed it.
    repo = "some-organisation/A-Rather-Long-Model-Name-That-Will-Not-Fit-In-One-Line-7B-Instruct"
    path = tmp_path / "c.json"
    write_catalog(
        path,
        document(
            entry(
                id="beta",
                name="Model [beta]",
                creator="Lab [/x]",
                repo_id=repo,
                notes="Card says [bold] and [/i] literally.",
            )
        ),
    )
    monkeypatch.setenv("COLUMNS", "60")
    code, out, err = run_cli(capsys, "show", "beta", "--catalog", str(path))
    assert code == 0, err
    assert "Model [beta]" in out and "Lab [/x]" in out
    assert "Card says [bold] and [/i] literally." in out
    joined = "".join(line.strip() for line in out.splitlines())
    assert f"https://huggingface.co/{repo}" in joined
    assert all(len(line) <= 60 for line in out.splitlines())


# Every malformed input is a usage error: one line on stderr naming what was wrong, exit status 2.
BAD_INPUTS = [
    (["list", "--vram", "24X"], "--vram: '24X' is not a memory size"),
    (["list", "--ram", "0"], "--ram: '0': a memory size must be more than zero"),
    (["list", "--gpus", "-1"], "--gpus: -1 is not a GPU count"),
    (["list", "--gpus", "two"], "argument --gpus"),
    (["list", "--profile", "nope"], "unknown hardware profile 'nope'"),
    (["list", "--ctx", "abc"], "--ctx: 'abc' is not a token count"),
    (["list", "--ctx", "1e400"], "--ctx: '1e400' is not a token count"),
    (["list", "--limit", "0"], "--limit"),
    (["list", "moe", "dense"], "'dense' contradicts 'moe'"),
    (["list", "fits:no"], "'fits:no'"),
    (["list", "tier:huge"], "unknown tier 'huge'"),
    (["list", "ctx>=lots"], "'lots' is not a token count"),
    (["show", "qwen3-0.6b", "--vram", "lots"], "--vram: 'lots'"),
    (["hw", "--profile", "rtx9999"], "unknown hardware profile"),
    (["list", "--no-such-flag"], "unrecognized arguments: --no-such-flag"),
    (["nosuchcommand"], "invalid choice: 'nosuchcommand'"),
]


@pytest.mark.parametrize(("argv", "said"), BAD_INPUTS, ids=[" ".join(a) for a, _ in BAD_INPUTS])
def test_usage_errors_exit_2_with_one_line(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        status = main(argv)
    except SystemExit as exc:  # argparse's own errors end through our Parser.error
        status = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("modelscout: error: ")
    assert said in err


def test_every_command_help_has_its_flags_and_two_examples(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from modelscout.cli import build_parser

    parser = build_parser()
    subcommands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"list", "show", "hw", "pull", "local", "catalog"} <= set(subcommands)
    for name, sub in subcommands.items():
        text = sub.format_help()
        assert "examples:" in text, name
        examples = [line for line in text.split("examples:")[1].splitlines() if line.strip()]
        assert len(examples) >= 2 and all(e.strip().startswith("modelscout ") for e in examples)
        assert "README" not in text, name


def test_each_command_is_registered_under_the_name_it_is_looked_up_by() -> None:
    from modelscout.cli import build_parser
    from modelscout.commands import BY_NAME, COMMANDS

    def choices(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
        return parser._subparsers._group_actions[0].choices  # type: ignore[union-attr,return-value]

    assert set(choices(build_parser())) == set(BY_NAME)
    assert sorted(BY_NAME.values(), key=id) == sorted(COMMANDS, key=id)
    for name in BY_NAME:
        assert set(choices(build_parser(name))) == {name}
    assert choices(build_parser("")) == {}


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        ([], ""),
        (["list", "--json"], "list"),
        (["--catalog", "x.json", "show", "qwen"], "show"),
        (["--catalog=x.json", "hw"], "hw"),
        (["--query", "list"], ""),  # the query's text, not the command
        (["--query", "tier:tiny", "--catalog", "list"], ""),
        (["--cat", "x.json", "list"], None),  # argparse's abbreviation: left to argparse
        (["-h"], None),
        (["--version"], None),
        (["lsit"], None),
        (["--catalog"], None),
    ],
)
def test_the_command_is_found_only_where_argparse_would_read_it_so(
    argv: list[str], command: str | None
) -> None:
    from modelscout.cli import build_parser, command_in

    assert command_in(argv) == command
    if command is not None:  # one command's parser reads these as every command's does
        assert build_parser(command).parse_args(argv) == build_parser().parse_args(argv)
