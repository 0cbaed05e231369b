"""`make schema`: write the public GraphQL schema to schema.graphql (run as `python -m
switchboard.graphql_schema`; `--check` fails when the file is stale, as CI's contract test does).

The file is the schema third parties generate clients from and review changes against: a
change to the API shows in a diff of it. Types do not depend on settings (limits do), so the
default settings print the same schema as any deployment's."""

from __future__ import annotations

import sys
from pathlib import Path

from gateway.config import GatewaySettings
from gateway.graphql.schema import build_schema

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"


def sdl() -> str:
    return build_schema(GatewaySettings()).as_str() + "\n"


def main() -> None:
    fresh = sdl()
    if "--check" not in sys.argv:
        SCHEMA_FILE.write_text(fresh, encoding="utf-8")
        return
    current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
    if current != fresh:
        raise SystemExit("schema.graphql is stale: run `make schema` and commit it")


if __name__ == "__main__":
    main()
