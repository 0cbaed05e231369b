"""`switchboard knowledge upload FILES...`: fill an agent's knowledge base from the shell, one
file per request so progress shows as it goes, through the public REST API like any client.

Defaults come from `--api-url`/`--api-key`, then `SWITCHBOARD_API_URL`/`SWITCHBOARD_API_KEY`,
then `.switchboard/dev.json` (written by `switchboard dev`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import mimetypes
import os
import sys
from pathlib import Path
from typing import Any

from services.kernel.backoff import equal_jitter

DEV_FILE = Path(".switchboard") / "dev.json"
TIMEOUT_S = 300.0
ATTEMPTS = 3


def register(sub: Any) -> None:
    """Add `knowledge upload` to the CLI's subcommands."""
    knowledge = sub.add_parser("knowledge", help="the AI agent's knowledge base").add_subparsers(
        required=True, metavar="action")
    upload = knowledge.add_parser("upload", help="upload documents (.txt .md .csv .docx .xlsx .pdf)")
    upload.add_argument("files", nargs="+", type=Path)
    upload.add_argument("--api-url", help="the gateway (default: $SWITCHBOARD_API_URL or dev.json)")
    upload.add_argument("--api-key", help="a write-scoped key (default: $SWITCHBOARD_API_KEY)")
    upload.set_defaults(handler=_upload)


def _upload(args: argparse.Namespace) -> None:
    url, key = _target(args)
    missing = [str(p) for p in args.files if not p.is_file()]
    if missing:
        raise SystemExit(f"no such file: {', '.join(missing)}")
    rejected = asyncio.run(upload_files(url, key, args.files))
    if rejected:
        sys.exit(1)


def _target(args: argparse.Namespace) -> tuple[str, str]:
    dev = json.loads(DEV_FILE.read_text()) if DEV_FILE.is_file() else {}
    url = args.api_url or os.environ.get("SWITCHBOARD_API_URL") or dev.get("gateway_url", "")
    key = args.api_key or os.environ.get("SWITCHBOARD_API_KEY") or dev.get("api_key", "")
    if not url or not key:
        raise SystemExit("give --api-url and --api-key (or run `switchboard dev` first)")
    return url.rstrip("/"), key


async def upload_files(url: str, key: str, files: list[Path]) -> int:
    """Upload each file, printing its outcome as it completes; returns how many were rejected."""
    import httpx

    rejected = 0
    async with httpx.AsyncClient(base_url=url, timeout=TIMEOUT_S,
                                 headers={"Authorization": f"Bearer {key}"}) as http:
        for number, path in enumerate(files, start=1):
            print(f"[{number}/{len(files)}] {path.name}: uploading…", flush=True)
            result = await _post(http, path)
            rejected += result["outcome"] == "rejected"
            print(f"[{number}/{len(files)}] {path.name}: {_describe(result)}", flush=True)
    return rejected


async def _post(http: Any, path: Path) -> dict[str, Any]:
    """One file; connection errors and 5xx are retried with backoff and jitter (an upload of
    the same bytes replaces, so a retry never duplicates)."""
    import httpx

    content = await asyncio.to_thread(path.read_bytes)
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    for attempt in range(1, ATTEMPTS + 1):
        try:
            resp = await http.post("/v1/agent/knowledge/documents",
                                   files=[("files", (path.name, content, mime))])
            if resp.status_code < 500 or attempt == ATTEMPTS:
                break
        except httpx.TransportError:
            if attempt == ATTEMPTS:
                raise
        await asyncio.sleep(equal_jitter(attempt, 1.0))
    if resp.status_code != 207:
        detail = resp.json().get("detail", resp.text) if resp.content else resp.reason_phrase
        raise RuntimeError(f"{path.name}: HTTP {resp.status_code}: {detail}")
    result: dict[str, Any] = resp.json()["results"][0]
    return result


def _describe(result: dict[str, Any]) -> str:
    if result["outcome"] == "rejected":
        return f"rejected — {result['error']}"
    document = result["document"]
    text = f"{result['outcome']} — {document['chunk_count']} chunks, {document['status']}"
    return f"{text} ({document['error']})" if document.get("error") else text
