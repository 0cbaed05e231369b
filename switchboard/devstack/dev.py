"""`switchboard dev`: the whole platform on one machine with nothing but Python.

PostgreSQL and nats-server come from wheels; data lives in the data folder, so a second run
picks up where the first stopped. External servers are used instead when
SWITCHBOARD_DATABASE_URL / SWITCHBOARD_NATS_URL are set. Every component connects with
credentials of its own, made once per data folder (`credentials.json`, mode 0600).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from gateway.config import GatewaySettings
from services.kernel.config import KernelSettings
from services.kernel.crypto import SecretBox
from services.kernel.logging import configure_logging
from services.kernel.runtime import wait_for_shutdown_signal
from services.kernel.telemetry import configure_tracing
from switchboard.components import COMPONENTS
from switchboard.credentials import Credentials, write_private
from switchboard.devstack.database import ensure_database, migrate_database, runtime_url
from switchboard.devstack.nats import EmbeddedNats
from switchboard.devstack.ports import remembered_port
from switchboard.devstack.postgres import EmbeddedPostgres
from switchboard.devstack.progress import Progress
from switchboard.devstack.seed import register_partner_app, seed_demo, still_valid
from switchboard.devstack.served import ServedPlatform
from switchboard.devstack.telegram_channel_sandbox import TelegramChannelSandbox, channel_ids
from switchboard.devstack.telegram_sandbox import TelegramSandbox, sandbox_ids
from switchboard.emulators.avito import AvitoEmulatorSettings
from switchboard.emulators.avito import create_app as create_avito_emulator
from switchboard.emulators.telegram import TelegramEmulatorSettings
from switchboard.emulators.telegram import create_app as create_telegram_emulator
from switchboard.eventloop import tune_garbage_collector
from switchboard.http_server import BackgroundServer
from switchboard.platform import Platform, start_platform
from switchboard.streams import ensure_streams
from switchboard.telegram_bot.runtime import TelegramBotRuntime

DATABASE = "switchboard"
log = logging.getLogger(__name__)


@dataclass
class DevOptions:
    data_dir: Path = Path(".switchboard")
    port: int = 8080
    emulator_port: int = 8090
    telegram_emulator_port: int = 8092
    chatter_interval_s: float = 45.0
    log_level: str = "INFO"
    # 1: the platform in this process; N > 1: `serve all --workers N` (switchboard/workers.py).
    workers: int = 1


@dataclass
class DevStack:
    """What `switchboard dev` started, so it can stop everything in reverse order."""

    options: DevOptions
    postgres: EmbeddedPostgres | None = None
    nats: EmbeddedNats | None = None
    emulator: BackgroundServer | None = None
    telegram: BackgroundServer | None = None
    platform: Platform | None = None
    served: ServedPlatform | None = None
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def gateway_url(self) -> str:
        if self.served is not None:
            return self.served.gateway_url
        assert self.platform is not None
        return self.platform.gateway_url

    async def stop(self) -> None:
        if self.platform is not None:
            await self.platform.stop(5)
        if self.served is not None:
            await self.served.stop()
        for emulator in (self.emulator, self.telegram):
            if emulator is not None:
                await emulator.stop()
        for server in (self.nats, self.postgres):
            if server is not None:
                with contextlib.suppress(Exception):
                    await asyncio.to_thread(server.stop)


async def run_dev(options: DevOptions) -> None:
    """Start everything, print where it is, run until Ctrl-C, then stop everything."""
    stack = await start_dev(options)
    tune_garbage_collector()
    try:
        _print_summary(stack)
        await wait_for_shutdown_signal()
        print("\nStopping ...", flush=True)
    finally:
        await stack.stop()


async def start_dev(options: DevOptions, progress: Progress | None = None) -> DevStack:
    data = options.data_dir.absolute()
    data.mkdir(parents=True, exist_ok=True)
    configure_logging(options.log_level, file=data / "switchboard.log", console_level="WARNING")
    configure_tracing("switchboard-dev")
    progress = progress or Progress(6)
    stack = DevStack(options)
    credentials = Credentials.load_or_create(data / "credentials.json")
    try:
        database_url, nats_url = await _servers(stack, data, progress, credentials)
        secret = _secrets(data / "secrets.json")
        with progress.task("Starting the Avito and Telegram emulators (sandbox)"):
            await _start_emulators(stack, data)
        assert stack.emulator is not None and stack.telegram is not None
        settings = _settings(options, database_url, nats_url, secret, stack.emulator.url,
                             stack.telegram.url)
        settings |= await register_partner_app(stack.emulator.url, settings["public_base_url"])
        own = _own_credentials(credentials, external_nats=stack.nats is None)
        workers = f" ({options.workers} worker processes)" if options.workers > 1 else ""
        with progress.task("Starting gateway, conversations, channels, agent, analytics, "
                           "scheduling and the Telegram "
                           f"bot runner on :{options.port}{workers}"):
            if options.workers > 1:
                stack.served = ServedPlatform(
                    {**settings, "grpc_callers": credentials.grpc_callers}, own,
                    options.workers, data / "switchboard.log")
                await stack.served.start()
            else:
                stack.platform = await start_platform(
                    COMPONENTS, own, grpc_callers=credentials.grpc_callers, **settings)
        with progress.task("Seeding the demo tenant and its sandbox Avito shop"):
            stack.info = await _dev_info(data / "dev.json", settings, stack)
        await _start_chatter(stack.emulator.url, options.chatter_interval_s)
    except BaseException:
        await stack.stop()
        raise
    return stack


async def _start_emulators(stack: DevStack, data: Path) -> None:
    """Avito's buyers start writing once the gateway listens (later), not before. Telegram's
    updates restored from its state file may meet a gateway not listening yet: the emulator
    keeps them and retries with backoff, as Telegram does."""
    options = stack.options
    stack.emulator = BackgroundServer(create_avito_emulator(AvitoEmulatorSettings(
        state_file=data / "avito-emulator.json")),
        port=remembered_port(data / "emulator_port", options.emulator_port))
    await stack.emulator.start()
    stack.telegram = BackgroundServer(create_telegram_emulator(TelegramEmulatorSettings(
        state_file=data / "telegram-emulator.json")),
        port=remembered_port(data / "telegram_emulator_port", options.telegram_emulator_port))
    await stack.telegram.start()


async def _servers(stack: DevStack, data: Path, progress: Progress,
                   credentials: Credentials) -> tuple[str, str]:
    database_url = os.environ.get("SWITCHBOARD_DATABASE_URL", "")
    nats_url = os.environ.get("SWITCHBOARD_NATS_URL", "")
    with progress.task("Starting PostgreSQL" + (" (external)" if database_url else "")):
        if not database_url:
            stack.postgres = EmbeddedPostgres(data / "postgres")
            await asyncio.to_thread(stack.postgres.start)
            await ensure_database(stack.postgres.url(), DATABASE)
    with progress.task("Applying migrations"):
        owner_url = os.environ.get("SWITCHBOARD_MIGRATION_DATABASE_URL") or (
            stack.postgres.url(DATABASE) if stack.postgres else "")
        if not owner_url:
            raise SystemExit("set SWITCHBOARD_MIGRATION_DATABASE_URL (the schema owner) "
                             "when SWITCHBOARD_DATABASE_URL points at an external server")
        await migrate_database(owner_url)
        database_url = database_url or runtime_url(owner_url)
    with progress.task("Starting nats-server with JetStream" + (" (external)" if nats_url else "")):
        if not nats_url:
            stack.nats = EmbeddedNats(data / "nats", credentials=credentials)
            nats_url = await asyncio.to_thread(stack.nats.start)
            admin = credentials.admin_settings()
        else:  # an external server: its admin from SWITCHBOARD_NATS_USER / _PASSWORD
            admin = {}
        await ensure_streams(KernelSettings(**{"nats_url": nats_url, **admin}))
    return database_url, nats_url


def _own_credentials(credentials: Credentials, external_nats: bool) -> dict[str, dict[str, Any]]:
    """Each component's own; with an external NATS, its users' passwords come from env
    (SWITCHBOARD_<COMPONENT>__NATS_PASSWORD), not from this data folder."""
    own = credentials.per_component()
    if external_nats:
        for settings in own.values():
            del settings["nats_user"], settings["nats_password"]
    return own


async def _start_chatter(emulator_url: str, interval_s: float) -> None:
    async with httpx.AsyncClient(base_url=emulator_url, timeout=10) as control:
        resp = await control.put("/_emulator/chatter", json={"interval_s": interval_s or None})
        resp.raise_for_status()


def _secrets(path: Path) -> dict[str, str]:
    """Generated once per data folder: the Fernet key must outlive restarts (stored secrets)."""
    if path.exists():
        return json.loads(path.read_text())
    values = {"secret_key": SecretBox.generate_key()}
    write_private(path, json.dumps(values))
    return values


def _settings(options: DevOptions, database_url: str, nats_url: str, secret: dict[str, str],
              emulator_url: str, telegram_url: str) -> dict[str, Any]:
    base = f"http://127.0.0.1:{options.port}"
    return {"database_url": database_url, "nats_url": nats_url,
            "secret_key": os.environ.get("SWITCHBOARD_SECRET_KEY") or secret["secret_key"],
            "http_port": options.port,
            "public_base_url": base, "avito_sandbox_url": emulator_url,
            # Channels (registering bots) and the bot runner both call the Telegram emulator;
            # the sandbox bot's console connects Avito accounts on the Avito emulator.
            "telegram_api_base_url": telegram_url, "telegram_bot_connect_sandbox": True,
            # A tenant's model endpoint may reach the LLM emulator at `switchboard emulate llm`'s
            # default address and nothing else inside (SWITCHBOARD_OUTBOUND_ALLOW replaces it).
            "outbound_allow": os.environ.get("SWITCHBOARD_OUTBOUND_ALLOW") or "127.0.0.1:8091",
            "log_level": options.log_level}


async def _dev_info(path: Path, settings: dict[str, Any], stack: DevStack) -> dict[str, Any]:
    assert stack.emulator is not None
    gateway_url = stack.gateway_url
    saved = await asyncio.to_thread(_read_json, path)
    if saved and await still_valid(gateway_url, saved.get("api_key", "")):
        info = saved
    else:
        seeded = await seed_demo(GatewaySettings(**settings), gateway_url, stack.emulator.url)
        info = {"gateway_url": gateway_url, "api_key": seeded.api_key,
                "tenant_id": seeded.tenant_id,
                "login": {"email": seeded.email, "password": seeded.password},
                "avito": seeded.avito, "nats_url": settings["nats_url"],
                "database_url": settings["database_url"]}
    # Every run: a lost emulator state (or a dev.json from before the bot) is made good again.
    telegram = await _telegram_sandbox(info, settings, stack)
    if stack.platform is not None:  # else the workers' runner finds it at its next look
        await _bot_following(stack.platform, telegram["bot_id"])
    customer = await _telegram_channel_sandbox(info, settings, stack)
    if info != saved or info.get("telegram") != telegram \
            or info.get("telegram_channel") != customer:
        info = {**info, "telegram": telegram, "telegram_channel": customer}
        await asyncio.to_thread(write_private, path, json.dumps(info, indent=2, ensure_ascii=False))
    return info


async def _bot_following(platform: Platform, bot_id: str) -> None:
    """The runner reads the registry now rather than at its next interval, so what buyers
    write once the stack says it is ready reaches the sandbox group."""
    runtime = platform.runtimes.get("telegram-bot")
    if not isinstance(runtime, TelegramBotRuntime):
        return
    try:
        await runtime.following(bot_id)
    except Exception as exc:  # the stack still serves everything else; the runner retries
        log.warning("the sandbox Telegram bot is not running yet", extra={"error": repr(exc)})


async def _telegram_sandbox(info: dict[str, Any], settings: dict[str, Any],
                            stack: DevStack) -> dict[str, Any]:
    assert stack.telegram is not None
    async with httpx.AsyncClient(timeout=30) as http:
        sandbox = TelegramSandbox(http, info["gateway_url"], stack.telegram.url, info["api_key"],
                                  sandbox_ids(settings["secret_key"]))
        return await sandbox.ensure(info["login"])


async def _telegram_channel_sandbox(info: dict[str, Any], settings: dict[str, Any],
                                    stack: DevStack) -> dict[str, Any]:
    """The demo tenant's sandbox Telegram customer channel (a second bot; docs/telegram.md)."""
    assert stack.telegram is not None
    async with httpx.AsyncClient(timeout=30) as http:
        return await TelegramChannelSandbox(http, info["gateway_url"], stack.telegram.url,
                                            info["api_key"],
                                            channel_ids(settings["secret_key"])).ensure()


def _read_json(path: Path) -> dict[str, Any] | None:
    return json.loads(path.read_text()) if path.exists() else None


def _print_summary(stack: DevStack) -> None:
    info, url = stack.info, stack.info["gateway_url"]
    avito, tg, tc = info["avito"], info["telegram"], info["telegram_channel"]
    print(f"""
Switchboard is running.
  Web inbox      {url}/  (sign in with the login below; `make web` builds it)
  REST docs      {url}/docs
  GraphQL        {url}/graphql
  API key        {info['api_key']}
  Login          {info['login']['email']} / {info['login']['password']}
  Avito sandbox  {avito['emulator_url']}  (account {avito['user_id']})
  Telegram       {tg['emulator_url']}  (bot @{tg['bot_username']}, group {tg['group_chat_id']})
  Saved in       {stack.options.data_dir / 'dev.json'}
  Logs (JSON)    {stack.options.data_dir / 'switchboard.log'}

Make a buyer write:
  curl -X POST {avito['emulator_url']}/_emulator/accounts/{avito['user_id']}/incoming \\
       -H 'Content-Type: application/json' -d '{{"text": "Здравствуйте, товар в наличии?"}}'
Then: curl -H 'Authorization: Bearer {info['api_key']}' {url}/v1/conversations
The AI agent answers the sandbox shop from its FAQ after 20 s of silence: ask it
"а доставка в Казань есть?", or ask for a manager to be handed over (docs/agent.md).
Every conversation is a topic of the Telegram group; reply in one as the owner (README, "Try it"):
  curl {tg['emulator_url']}/_emulator/chats/{tg['group_chat_id']}/topics
A buyer writes to the shop's Telegram bot @{tc['bot_username']} (a customer channel):
  curl -X POST {tc['emulator_url']}/_emulator/messages -H 'Content-Type: application/json' \\
       -d '{{"from_user_id": {tc['buyer_user_id']}, "bot_id": {tc['bot_id']}, "text": "Здравствуйте!"}}'

Ctrl-C stops everything.""", flush=True)


