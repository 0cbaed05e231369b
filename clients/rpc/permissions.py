"""Who may do what, next to the catalogue it derives from: each component's NATS user and its
subject permissions (computed from `topics.TOPICS` producers and `topics.DURABLES` owners, plus
the few extras below), and which callers each gRPC service accepts.

Nothing here is configured by hand: the embedded nats-server's authorization block, the one
`switchboard credentials` writes for production, and the security tests all come from these
functions, so a new topic or durable is permitted where it is declared (docs/operations.md,
"Credentials").
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from clients.rpc import topics
from services.kernel.wire import DLQ_PREFIX, Durable, Stream, inbox_prefix

# The bus's operator: creates and updates the streams (`switchboard streams`, the Helm hook),
# and plays the bus's role in tests and the bench. No component runs as it.
ADMIN = "admin"
# `telegram_bot`: the runner of tenants' Telegram bots (clients/telegram_bot), a component
# with a bus user and a gRPC credential of its own, though it serves no gRPC itself.
COMPONENTS = ("gateway", "conversations", "channels", "agent", "analytics", "scheduling",
              "integrations", "telegram_bot")
USERS = (ADMIN, *COMPONENTS)

# gRPC: the callers each service accepts (anyone else is refused, whatever its token).
CALLERS: dict[str, tuple[str, ...]] = {
    "conversations": ("gateway", "channels", "agent", "scheduling"),
    "channels": ("gateway", "telegram_bot", "scheduling", "analytics"),
    "agent": ("gateway",),
    "analytics": ("gateway", "scheduling"),
    "scheduling": ("gateway",),
    "integrations": ("gateway",),
}
# The runner every owner of a platform job serves beside its own service (another package).
PLATFORM_JOB_RUNNER = "switchboard.scheduling.v1.PlatformJobRunner"
# Callers held to RPCs of their own: a service refuses them every other RPC, and these RPCs to
# every other caller. The bot runner reads every tenant's bot tokens (it serves them all from
# one process) and nothing else; no other caller, the gateway included, reads those tokens.
# Scheduling sends reports through the tenants' bots (TelegramDeliveryService, served by the
# channels process beside ChannelsService) and may call nothing else there. An RPC of another
# service of the same process is named "<Service>/<Rpc>".
OWN_RPCS: dict[str, dict[str, tuple[str, ...]]] = {
    "channels": {"telegram_bot": ("ListTelegramBotCredentials",),
                 # ... and asks for platform jobs' rounds (channels.reconcile).
                 "scheduling": ("TelegramDeliveryService/SendTelegramMessage",
                                f"{PLATFORM_JOB_RUNNER}/RunPlatformJob"),
                 # Analytics fetches accounts' Avito statistics and may call nothing else
                 # there but what SHARED_RPCS gives it.
                 "analytics": ("AvitoStatisticsService/FetchAvitoStatistics",)},
    # Analytics runs its platform job (analytics.avito_statistics) for scheduling alone;
    # scheduling renders reports there too (RenderReport, open to the gateway: SHARED_RPCS).
    "analytics": {"scheduling": (f"{PLATFORM_JOB_RUNNER}/RunPlatformJob",)},
    # Conversations wakes snoozed conversations (conversations.wake_snoozed) for it alone.
    "conversations": {"scheduling": (f"{PLATFORM_JOB_RUNNER}/RunPlatformJob",)},
}
# RPCs a caller held to its own may make besides them, which stay open to the service's other
# callers: analytics lists the accounts its reports name (the gateway lists them too).
SHARED_RPCS: dict[str, dict[str, tuple[str, ...]]] = {
    "channels": {"analytics": ("ListChannels",)},
    "analytics": {"scheduling": ("RenderReport",)},
}
# Every component that calls a service, hence has a gRPC token of its own.
GRPC_CALLERS = tuple(sorted({caller for callers in CALLERS.values() for caller in callers}))


def _full(full_name: str, rpc: str) -> str:
    """`/<full_name>/<Rpc>`, `/<package>.<Service>/<Rpc>` for `<Service>/<Rpc>`, or the name
    as given for one of another package (`switchboard.x.v1.Service/Rpc`)."""
    if "." in rpc.partition("/")[0]:
        return f"/{rpc}"
    return f"/{full_name.rpartition('.')[0]}.{rpc}" if "/" in rpc else f"/{full_name}/{rpc}"


def own_rpcs(service: str, full_name: str) -> dict[str, tuple[str, ...]]:
    """`OWN_RPCS[service]` (with each caller's `SHARED_RPCS`) as the service's server checks
    it: caller -> full method names."""
    shared = SHARED_RPCS.get(service, {})
    return {caller: tuple(_full(full_name, rpc) for rpc in (*rpcs, *shared.get(caller, ())))
            for caller, rpcs in OWN_RPCS.get(service, {}).items()}


def shared_rpcs(service: str, full_name: str) -> tuple[str, ...]:
    """The full names of `SHARED_RPCS[service]`: held callers' RPCs every caller may make."""
    return tuple(sorted({_full(full_name, rpc) for rpcs in SHARED_RPCS.get(service, {}).values()
                         for rpc in rpcs}))

# Another component's durable whose backlog a component reads (flow control): the gateway slows
# overflow webhooks while their lane lags, channels holds that lane while inbound lags.
WATCHES: dict[str, tuple[Durable, ...]] = {
    "gateway": (topics.CHANNELS_WEBHOOKS_OVERFLOW,),
    "channels": (topics.CONVERSATIONS_INBOUND,),
}
# Streams a component reads through short-lived consumers of its own: the gateway's live feed
# (one ephemeral consumer per SSE stream or subscription, filtered to one tenant).
READS: dict[str, tuple[Stream, ...]] = {"gateway": (topics.CONVERSATIONS,)}

_API = "$JS.API"


@dataclass(frozen=True)
class Permissions:
    """A NATS user's permissions: subjects it may publish to (less `deny_publish`), subjects
    it may subscribe to. Everything else is refused by the server."""

    publish: tuple[str, ...]
    subscribe: tuple[str, ...]
    deny_publish: tuple[str, ...] = ()


def permissions(user: str) -> Permissions:
    if user == ADMIN:
        return Permissions(publish=(">",), subscribe=(">",))
    if user not in COMPONENTS:
        raise ValueError(f"no NATS user {user!r}; the users are {', '.join(USERS)}")
    publish = [t.pattern for t in topics.TOPICS if t.producer == user]
    # Every component checks at start that the catalogue's streams exist (it creates none).
    publish += [f"{_API}.STREAM.INFO.{s.name}" for s in topics.STREAMS]
    if has_outbox(user):  # the relay asks which stream takes a subject it could not publish
        publish += [f"{_API}.STREAM.NAMES", f"{DLQ_PREFIX}.outbox.{user}"]
    for durable in topics.DURABLES:
        if durable.owner == user:
            publish += [*_durable_api(durable), f"{DLQ_PREFIX}.{durable.name}"]
    publish += [f"{_API}.CONSUMER.INFO.{_stream(d)}.{d.name}" for d in WATCHES.get(user, ())]
    for bucket in topics.BUCKETS:  # read one key at a time (direct get), never write
        if user in bucket.readers:
            publish += [f"{_API}.STREAM.INFO.{bucket.stream}",
                        f"{_API}.DIRECT.GET.{bucket.stream}.>"]
    deny: list[str] = []
    for stream in READS.get(user, ()):
        publish += _ephemeral_api(stream.name)
        # ... but never one of the stream's durables: that would take another's messages.
        for durable in topics.DURABLES:
            if durable.topic.stream == stream:
                deny += _consumer_control(stream.name, durable.name)
    return Permissions(publish=_unique(publish), subscribe=(f"{inbox_prefix(user)}.>",),
                       deny_publish=_unique(deny))


def has_outbox(component: str) -> bool:
    """A service that announces events of its own stream relays them from `<name>.outbox`
    (the gateway publishes only the webhooks stream, directly)."""
    return any(t.producer == component and t.stream.token == component for t in topics.TOPICS)


def _stream(durable: Durable) -> str:
    return durable.topic.stream.name


def _durable_api(durable: Durable) -> list[str]:
    """Run one's own durable pull consumer: look it up, create it (either API form), pull from
    it, ack / nak / term its messages."""
    stream, name = _stream(durable), durable.name
    return [f"{_API}.CONSUMER.INFO.{stream}.{name}", f"{_API}.CONSUMER.CREATE.{stream}.{name}",
            f"{_API}.CONSUMER.CREATE.{stream}.{name}.>",
            f"{_API}.CONSUMER.DURABLE.CREATE.{stream}.{name}",
            f"{_API}.CONSUMER.MSG.NEXT.{stream}.{name}", f"$JS.ACK.{stream}.{name}.>"]


def _consumer_control(stream: str, name: str) -> list[str]:
    """What would let a reader of `stream` take over or remove the consumer `name`."""
    return [f"{_API}.CONSUMER.CREATE.{stream}.{name}", f"{_API}.CONSUMER.CREATE.{stream}.{name}.>",
            f"{_API}.CONSUMER.MSG.NEXT.{stream}.{name}", f"{_API}.CONSUMER.DELETE.{stream}.{name}"]


def _ephemeral_api(stream: str) -> list[str]:
    """Consumers of one's own on `stream` (any name, no acks), and reading one stored message."""
    return [f"{_API}.CONSUMER.CREATE.{stream}.*", f"{_API}.CONSUMER.CREATE.{stream}.*.>",
            f"{_API}.CONSUMER.MSG.NEXT.{stream}.*", f"{_API}.CONSUMER.INFO.{stream}.*",
            f"{_API}.CONSUMER.DELETE.{stream}.*", f"{_API}.STREAM.MSG.GET.{stream}"]


def _unique(subjects: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(subjects))


def nats_permissions() -> dict[str, dict[str, dict[str, list[str]]]]:
    """Every user's permissions as nats-server writes them (the chart's copy is this, as JSON:
    deploy/helm/switchboard/files/nats-permissions.json)."""
    rules: dict[str, dict[str, dict[str, list[str]]]] = {}
    for user in USERS:
        perms = permissions(user)
        publish = {"allow": list(perms.publish)}
        if perms.deny_publish:
            publish["deny"] = list(perms.deny_publish)
        rules[user] = {"publish": publish, "subscribe": {"allow": list(perms.subscribe)}}
    return rules


def authorization_block(passwords: Mapping[str, str]) -> str:
    """The nats-server `authorization` block: every user of `passwords` with its permissions.

    A password is written as given, quoted; one starting with `$` (e.g. `$SB_NATS_GATEWAY`) is
    left unquoted, so nats-server reads it from that environment variable. No `no_auth_user`:
    a client without credentials is refused."""
    rules = nats_permissions()
    lines = ["authorization {", "  users: ["]
    for user in USERS:
        if user not in passwords:
            continue
        secret = passwords[user]
        password = secret if secret.startswith("$") else json.dumps(secret)
        lines.append(f"    {{user: {json.dumps(user)}, password: {password}, "
                     f"permissions: {json.dumps(rules[user], sort_keys=True)}}}")
    lines += ["  ]", "}"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # the chart's copy: python -m clients.rpc.permissions > files/...
    print(json.dumps(nats_permissions(), indent=2))
