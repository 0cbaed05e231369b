"""The `switchboard` command: dev stack, serve, streams, migrate, tenant admin, emulators, bench,
platform jobs."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import sys
import uuid
from pathlib import Path

from switchboard import eventloop, jobs_cli, knowledge_cli, plans_cli
from switchboard.components import COMPONENTS


def main(argv: list[str] | None = None) -> None:
    # gRPC's fork handlers only print noise when the dev stack runs pg_ctl; we never fork gRPC.
    os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")
    args = _parser().parse_args(argv)
    try:
        args.handler(args)
    except KeyboardInterrupt:
        pass
    except Exception as exc:  # the CLI's last line: say what failed, no traceback wall
        if os.environ.get("SWITCHBOARD_DEBUG"):
            raise
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="switchboard", description=__doc__)
    sub = parser.add_subparsers(required=True, metavar="command")

    dev = sub.add_parser("dev", help="run the whole platform on embedded PostgreSQL and NATS")
    dev.add_argument("--data-dir", type=Path, default=Path(".switchboard"))
    dev.add_argument("--port", type=int, default=8080)
    dev.add_argument("--emulator-port", type=int, default=8090, help="the Avito emulator's")
    dev.add_argument("--telegram-port", type=int, default=8092, help="the Telegram emulator's")
    dev.add_argument("--chatter-interval", type=float, default=45.0,
                     help="seconds between sandbox buyers' messages (0 = none)")
    dev.add_argument("--workers", type=int, default=1, metavar="N",
                     help="run the platform as `serve all --workers N` (N > 1) in processes of "
                          "its own; 1: in this process")
    dev.set_defaults(handler=_dev)

    serve = sub.add_parser("serve", help="run components against servers given by env")
    serve.add_argument("component", choices=["all", *COMPONENTS])
    serve.add_argument("--workers", type=int, default=1, metavar="N",
                       help="all: N processes sharing the port, the consumers and the database "
                            "(0: one per core; default 1, which measured better on 2 cores: "
                            "docs/performance.md); a single component scales by replicas")
    # Given by the supervisor to its workers: the slot i/n and its pid.
    serve.add_argument("--worker", help=argparse.SUPPRESS)
    serve.add_argument("--supervisor", type=int, help=argparse.SUPPRESS)
    serve.set_defaults(handler=_serve)

    streams = sub.add_parser("streams", help="create or update the JetStream streams, then exit "
                                             "(the Helm hook runs it after migrate)")
    streams.set_defaults(handler=_streams)

    credentials = sub.add_parser(
        "credentials", help="make every component's NATS password and gRPC token (an env file "
                            "for the credentials Secret) and the nats-server authorization block")
    credentials.add_argument("--out", type=Path, required=True,
                             help="where credentials.env and nats-auth.conf go (mode 0600)")
    credentials.add_argument("--from", dest="source", type=Path,
                             help="a credentials.env to keep the secrets of (what it lacks is made)")
    credentials.set_defaults(handler=_credentials)

    migrate = sub.add_parser("migrate", help="apply (or roll back) database migrations")
    migrate.add_argument("--url", default=os.environ.get("SWITCHBOARD_MIGRATION_DATABASE_URL", ""),
                         help="the schema owner's URL (default: $SWITCHBOARD_MIGRATION_DATABASE_URL)")
    migrate.add_argument("--downgrade", metavar="REVISION", help="roll back to REVISION (e.g. base)")
    migrate.set_defaults(handler=_migrate)

    tenant = sub.add_parser("tenant", help="tenant administration").add_subparsers(required=True)
    create = tenant.add_parser("create", help="create a tenant with its owner and an admin API key")
    create.add_argument("--name", required=True)
    create.add_argument("--email", required=True)
    create.add_argument("--password", help="prompted for when omitted")
    create.add_argument("--plan", help="its plan (switchboard plans; default: the default plan)")
    create.set_defaults(handler=_tenant_create)

    emulate = sub.add_parser("emulate", help="run an emulator of an external API")
    emulate.add_argument("api", choices=["avito", "llm", "telegram"])
    emulate.add_argument("--host", default="127.0.0.1")
    emulate.add_argument("--port", type=int, help="default 8090 (avito), 8091 (llm), 8092 (telegram)")
    emulate.add_argument("--chatter-interval", type=float, default=0.0)
    emulate.add_argument("--state-file", type=Path)
    emulate.add_argument("--api-key", action="append", dest="api_keys",
                         help="llm: an accepted bearer key (repeatable; default: any)")
    emulate.add_argument("--rules-file", type=Path, help="llm: a JSON list of scripted rules")
    emulate.set_defaults(handler=_emulate)
    bench = sub.add_parser("bench", help="measure the platform against this machine's limits "
                                         "(docs/performance.md)")
    bench.add_argument("scenarios", nargs="*", metavar="scenario",
                       help="ingress, pipeline, outbound, noisy, inbox, knowledge (default: all)")
    bench.add_argument("--quick", action="store_true", help="smaller loads and data set (< 2 min)")
    bench.add_argument("--out", type=Path, help="where latest.json/.md go (default .switchboard/bench)")
    bench.add_argument("--workers", type=int, default=1, metavar="N",
                       help="run the platform as `serve all --workers N` (N > 1) instead of "
                            "in the bench's process; scenarios that reach into it are skipped")
    bench.set_defaults(handler=_bench)
    knowledge_cli.register(sub)
    jobs_cli.register(sub)
    plans_cli.register(sub)
    return parser


def _bench(args: argparse.Namespace) -> None:
    from switchboard.bench.runner import main as bench_main

    bench_main(args.scenarios, args.quick, args.out, args.workers)


def _dev(args: argparse.Namespace) -> None:
    from switchboard.devstack.dev import DevOptions, run_dev

    eventloop.run(run_dev(DevOptions(data_dir=args.data_dir, port=args.port,
                                     emulator_port=args.emulator_port,
                                     telegram_emulator_port=args.telegram_port,
                                     chatter_interval_s=args.chatter_interval,
                                     workers=args.workers)))


def _serve(args: argparse.Namespace) -> None:
    from switchboard.platform import serve_forever
    from switchboard.workers import default_workers, die_with_supervisor, parse_slot, supervise

    components = COMPONENTS if args.component == "all" else (args.component,)
    if args.worker:
        die_with_supervisor(args.supervisor or os.getppid())
        eventloop.run(serve_forever(components, parse_slot(args.worker)))
        return
    workers = default_workers() if args.workers == 0 else args.workers
    if workers < 1 or (workers > 1 and args.component != "all"):
        sys.exit("switchboard serve: --workers N (N >= 0) is for `serve all`; a single "
                 "component scales by replicas (its Deployment's), one process each")
    if workers == 1:
        eventloop.run(serve_forever(components))
    else:
        sys.exit(supervise(workers))


def _streams(args: argparse.Namespace) -> None:
    from clients.rpc.topics import BUCKETS
    from services.kernel.config import KernelSettings
    from switchboard.streams import ensure_streams

    settings = KernelSettings()
    names = asyncio.run(ensure_streams(settings))
    print(f"streams ready ({settings.stream_replicas} replica(s)): {', '.join(names)}; "
          f"buckets: {', '.join(b.name for b in BUCKETS)}")


def _credentials(args: argparse.Namespace) -> None:
    from switchboard.credentials import Credentials, write_private

    kept = Credentials.from_secret_env(args.source.read_text()) if args.source else None
    made = Credentials.generate(kept)
    write_private(args.out / "credentials.env", made.secret_env())
    write_private(args.out / "nats-auth.conf", made.nats_authorization())
    print(f"wrote {args.out / 'credentials.env'} (the credentials Secret: kubectl create secret "
          f"generic NAME --from-env-file=...) and {args.out / 'nats-auth.conf'} (include it in "
          "the nats-server configuration); docs/operations.md, \"Credentials\"")


def _migrate(args: argparse.Namespace) -> None:
    from switchboard import migrate

    if not args.url:
        raise SystemExit("give --url or set SWITCHBOARD_MIGRATION_DATABASE_URL")
    if args.downgrade:
        migrate.downgrade(args.url, args.downgrade)
    else:
        migrate.upgrade(args.url)
    print("migrations applied" if not args.downgrade else f"rolled back to {args.downgrade}")


def _tenant_create(args: argparse.Namespace) -> None:
    from gateway.config import GatewaySettings
    from gateway.identity.service import IdentityService
    from services.kernel.db import Database

    password = args.password or getpass.getpass("Owner password (8+ characters): ")

    async def create() -> dict[str, str]:
        settings = GatewaySettings()
        db = Database(settings.database_url, pool_size=1)
        try:
            created = await IdentityService(db, settings).create_tenant(
                args.name, args.email, password)
        finally:
            await db.dispose()
        return {"tenant_id": str(created.tenant_id), "owner_user_id": str(created.owner_user_id),
                "api_key": created.api_key}

    if args.plan:  # a plan the catalogue lacks is refused before anything is created
        plans_cli.check_plan(args.plan)
    result = asyncio.run(create())
    if args.plan:
        args.tenant, args.limit = uuid.UUID(result["tenant_id"]), []
        plans_cli.set_plan_cli(args)
        result["plan"] = args.plan
    print(json.dumps(result, indent=2))
    print("The API key is shown only once: store it now.", file=sys.stderr)


def _emulate(args: argparse.Namespace) -> None:
    if args.api == "llm":
        from switchboard.emulators.llm import run as run_llm

        run_llm(host=args.host, port=args.port or 8091, api_keys=args.api_keys,
                rules_file=args.rules_file)
        return
    if args.api == "telegram":
        from switchboard.emulators.telegram import run as run_telegram

        run_telegram(host=args.host, port=args.port or 8092, state_file=args.state_file)
        return
    from switchboard.emulators.avito import run

    run(host=args.host, port=args.port or 8090, chatter_interval_s=args.chatter_interval or None,
        state_file=args.state_file)


if __name__ == "__main__":
    main()
