"""`make proto`: regenerate clients/rpc/gen from proto/ (run as `python -m switchboard.protogen`).

protoc writes absolute imports such as `from switchboard.common.v1 import message_pb2`, which
would collide with our own `switchboard` package, so the generated imports are rewritten to
live under `clients.rpc.gen`. The proto packages (and so the gRPC method names) stay as written.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent
PROTO_DIR = ROOT / "proto"
GEN_DIR = ROOT / "clients" / "rpc" / "gen"
GEN_PACKAGE = "clients.rpc.gen"
_IMPORT = re.compile(r"^(from|import) switchboard\.", re.MULTILINE)


def generate(out_dir: Path) -> None:
    """Generate every proto under proto/ into out_dir (which is wiped first)."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    protos = sorted(str(p.relative_to(PROTO_DIR)) for p in PROTO_DIR.rglob("*.proto"))
    include = Path(protoc.__file__).parent / "_proto"
    args = ["protoc", f"-I{PROTO_DIR}", f"-I{include}", f"--python_out={out_dir}",
            f"--pyi_out={out_dir}", f"--grpc_python_out={out_dir}", *protos]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    for path in out_dir.rglob("*.py*"):
        path.write_text(_IMPORT.sub(rf"\1 {GEN_PACKAGE}.switchboard.", path.read_text()))
    for folder in [out_dir, *(p for p in out_dir.rglob("*") if p.is_dir())]:
        (folder / "__init__.py").touch()


def sync_into(fresh: Path, target: Path) -> None:
    """Update target to match fresh file by file (never an empty moment for importers)."""
    stale = differences(fresh, target)
    for name in stale:
        source, dest = fresh / name, target / name
        if source.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_suffix(dest.suffix + ".tmp")
            tmp.write_bytes(source.read_bytes())
            tmp.replace(dest)
        else:
            dest.unlink()


def main() -> None:
    check = "--check" in sys.argv
    if not check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "gen"
            generate(fresh)
            sync_into(fresh, GEN_DIR)
        return
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "gen"
        generate(fresh)
        stale = differences(fresh, GEN_DIR)
    if stale:
        raise SystemExit("clients/rpc/gen is stale, run `make proto`: " + ", ".join(stale))


def differences(fresh: Path, current: Path) -> list[str]:
    names = {p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file()}
    names |= {p.relative_to(current) for p in current.rglob("*")
              if p.is_file() and "__pycache__" not in p.parts}
    return sorted(str(n) for n in names
                  if not (fresh / n).exists() or not (current / n).exists()
                  or (fresh / n).read_bytes() != (current / n).read_bytes())


if __name__ == "__main__":
    main()
