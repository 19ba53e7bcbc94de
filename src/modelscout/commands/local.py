"""`modelscout local`: the models already downloaded to the Hugging Face cache, and deleting them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from modelscout.commands.common import examples, print_json, stdout_console


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "local",
        help="list models downloaded to the Hugging Face cache",
        description="List the model repos in the Hugging Face cache (HF_HOME / HF_HUB_CACHE) with "
        "their size on disk; --delete REPO removes one after asking.",
        **examples("modelscout local", "modelscout local --delete Qwen/Qwen3-0.6B --yes"),
    )
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    parser.add_argument("--delete", metavar="REPO", help="delete this repo from the cache")
    parser.add_argument("--yes", action="store_true", help="delete without asking")
    parser.add_argument("--cache-dir", metavar="DIR", type=Path, help=argparse.SUPPRESS)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from modelscout.display import format as fmt
    from modelscout.hub.download.cache import delete_repo, scan_local
    from modelscout.hub.env import HubEnv

    cache_dir = HubEnv.from_environ(cache_dir=args.cache_dir).cache_dir
    if args.delete:
        named = [r for r in scan_local(cache_dir) if r.repo_id.lower() == args.delete.lower()]
        size = fmt.size_bytes(named[0].size_on_disk_bytes) if named else fmt.DASH
        if named and not args.yes:
            if not sys.stdin.isatty():
                print(
                    f"modelscout: error: deleting {args.delete} ({size}) needs confirmation: "
                    "add --yes",
                    file=sys.stderr,
                )
                return 2
            answer = input(f"delete {args.delete} ({size}) from the cache? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("kept", file=sys.stderr)
                return 1
        freed = delete_repo(args.delete, cache_dir)
        if args.json:
            print_json({"deleted": args.delete, "freed_bytes": freed})
        else:
            print(f"deleted {args.delete}, freed {fmt.size_bytes(freed)}")
        return 0
    repos = scan_local(cache_dir)
    if args.json:
        print_json(
            [
                {
                    "repo_id": r.repo_id,
                    "size_on_disk_bytes": r.size_on_disk_bytes,
                    "files": r.files,
                    "partial_bytes": r.partial_bytes,
                    "path": str(r.path),
                    "revisions": [
                        {"commit": v.commit_sha, "refs": list(v.refs), "path": str(v.path)}
                        for v in r.revisions
                    ],
                }
                for r in repos
            ]
        )
        return 0
    if not repos:
        print("no models downloaded yet (pull one with `modelscout pull MODEL`)")
        return 0
    from rich.table import Table
    from rich.text import Text

    from modelscout.display.text import shown

    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("repo", overflow="fold")
    table.add_column("size", justify="right")
    table.add_column("files", justify="right")
    table.add_column("partial", justify="right")
    table.add_column("refs")
    for r in repos:
        refs = ", ".join(sorted({ref for v in r.revisions for ref in v.refs})) or fmt.DASH
        partial = fmt.size_bytes(r.partial_bytes) if r.partial_bytes else fmt.DASH
        table.add_row(
            Text(shown(r.repo_id)),
            fmt.size_bytes(r.size_on_disk_bytes),
            str(r.files),
            partial,
            refs,
        )
    stdout_console().print(table)
    return 0
