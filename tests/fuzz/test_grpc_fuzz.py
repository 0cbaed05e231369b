"""Every RPC of every service, called as an outsider would: without the service credential, with
a wrong one, without or with a garbled tenant (UNAUTHENTICATED or INVALID_ARGUMENT), with bytes
that do not decode, and with hypothesis-made requests (bad ids and cursors, NUL characters,
enum values nobody defined, extreme numbers and times): a domain status, never INTERNAL or
UNKNOWN."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import grpc
import pytest
from google.protobuf.descriptor import Descriptor, FieldDescriptor, MethodDescriptor
from google.protobuf.message import DecodeError, Message
from google.protobuf.message_factory import GetMessageClass
from hypothesis import given, settings
from hypothesis import strategies as st

from clients.rpc import permissions
from clients.rpc.gen.switchboard.agent.v1 import agent_service_pb2, knowledge_service_pb2
from clients.rpc.gen.switchboard.channels.v1 import (
    avito_statistics_pb2,
    channels_service_pb2,
    telegram_delivery_pb2,
)
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv_pb
from clients.rpc.gen.switchboard.scheduling.v1 import platform_jobs_pb2, scheduling_service_pb2
from services.kernel.wire import CALLER_METADATA_KEY, SERVICE_TOKEN_METADATA_KEY, TENANT_METADATA_KEY
from switchboard.credentials import Credentials
from tests.fixtures.platform import RunningPlatform
from tests.fuzz.conftest import FUZZ, NOWHERE, World, report, stored

pytestmark = pytest.mark.slow

SERVICES = {  # the component serving it -> its services
    "conversations": [conv_pb.DESCRIPTOR.services_by_name["ConversationsService"]],
    "channels": [channels_service_pb2.DESCRIPTOR.services_by_name["ChannelsService"],
                 avito_statistics_pb2.DESCRIPTOR.services_by_name["AvitoStatisticsService"],
                 telegram_delivery_pb2.DESCRIPTOR.services_by_name["TelegramDeliveryService"],
                 platform_jobs_pb2.DESCRIPTOR.services_by_name["PlatformJobRunner"]],
    "agent": [agent_service_pb2.DESCRIPTOR.services_by_name["AgentService"],
              knowledge_service_pb2.DESCRIPTOR.services_by_name["KnowledgeService"]],
    "scheduling": [scheduling_service_pb2.DESCRIPTOR.services_by_name["SchedulingService"],
                   platform_jobs_pb2.DESCRIPTOR.services_by_name["PlatformJobs"]],
}
# Tenant-less by design: the gateway resolves a webhook's owner (Avito's, a Telegram bot's),
# the OAuth callback's single-use state names its tenant, a starting gateway asks channels to
# catch every tenant's accounts up, and the bot runner serves every tenant's bots.
TENANTLESS = {"ResolveWebhook", "CompleteAvitoAuthorization", "CatchUp", "ResolveTelegramWebhook",
              "ListTelegramBotCredentials",
              # ... and the platform's own jobs (scheduling asks owners for rounds; operators).
              "RunPlatformJob", "ListPlatformJobs", "ListPlatformJobRuns", "RunPlatformJobNow"}
# RPCs held to a caller of their own (permissions.OWN_RPCS); every other is the gateway's.
OWN_CALLER = {rpc: caller for rpcs in permissions.OWN_RPCS.values()
              for caller, names in rpcs.items() for rpc in names}
# RESOURCE_EXHAUSTED: the answer's message did not fit gRPC's 16 KB of trailers, so the caller
# got a transport error (a 503 at the edge) instead of it.
CRASHES = {grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN, grpc.StatusCode.RESOURCE_EXHAUSTED}
FORGED_CURSOR = "eyJ4IjoxfQ"


@dataclass(frozen=True)
class Rpc:
    component: str
    method: MethodDescriptor

    @property
    def path(self) -> str:
        return f"/{self.method.containing_service.full_name}/{self.method.name}"

    @property
    def request_class(self) -> type[Message]:
        return GetMessageClass(self.method.input_type)

    def __str__(self) -> str:
        return self.method.name


RPCS = [Rpc(component, method) for component, services in SERVICES.items()
        for service in services for method in service.methods]


class Caller:
    """Blocking calls (from the fuzzers' worker thread) to the platform's gRPC servers."""

    def __init__(self, platform: RunningPlatform, credentials: Credentials) -> None:
        self.token = platform.settings.caller("gateway").token  # every service accepts it
        self.tokens = {name: credentials.grpc[name] for name in OWN_CALLER.values()}
        self.channels = {name: grpc.insecure_channel(runtime.grpc.address)
                         for name, runtime in platform.platform.runtimes.items()}

    def status(self, rpc: Rpc, request: bytes, metadata: list[tuple[str, str]]) -> tuple[Any, str]:
        # OWN_RPCS names an RPC of another service of the process "<Service>/<Rpc>".
        # ... or, for one of another package, "<package>.<Service>/<Rpc>".
        service = rpc.method.containing_service
        own = OWN_CALLER.get(rpc.method.name) or OWN_CALLER.get(
            f"{service.name}/{rpc.method.name}") or OWN_CALLER.get(
            f"{service.full_name}/{rpc.method.name}")
        if own is not None:  # the same call, as the one caller the RPC is for
            metadata = [(k, own if k == CALLER_METADATA_KEY else
                         self.tokens[own] if k == SERVICE_TOKEN_METADATA_KEY and v == self.token
                         else v) for k, v in metadata]
        call = self.channels[rpc.component].unary_unary(
            rpc.path, request_serializer=lambda raw: raw, response_deserializer=lambda raw: raw)
        try:
            call(request, metadata=metadata, timeout=15)
        except grpc.RpcError as exc:
            return exc.code(), exc.details() or ""
        return grpc.StatusCode.OK, ""

    def close(self) -> None:
        for channel in self.channels.values():
            channel.close()


@pytest.fixture(scope="module")
def caller(platform: RunningPlatform, credentials: Credentials) -> Iterator[Caller]:
    made = Caller(platform, credentials)
    yield made
    made.close()


def metadata(token: str | None, tenant: str | None) -> list[tuple[str, str]]:
    meta = [] if token is None else [(CALLER_METADATA_KEY, "gateway"),
                                     (SERVICE_TOKEN_METADATA_KEY, token)]
    return meta if tenant is None else [*meta, (TENANT_METADATA_KEY, tenant)]


async def test_every_rpc_refuses_callers_without_credentials_or_tenant(
        caller: Caller, world: World) -> None:
    tenant, token = str(world.tenant.tenant_id), caller.token
    wrong: list[str] = []

    unauthenticated = {grpc.StatusCode.UNAUTHENTICATED}
    refused = {grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.INVALID_ARGUMENT}

    def sweep() -> None:
        for rpc in RPCS:
            cases = [(metadata(None, tenant), unauthenticated),
                     (metadata("wrong-token", tenant), unauthenticated),
                     (metadata("", tenant), unauthenticated)]
            if rpc.method.name not in TENANTLESS:  # those take no tenant
                cases += [(metadata(token, None), refused),
                          (metadata(token, "not-a-tenant"), refused)]
            for meta, allowed in cases:
                code, details = caller.status(rpc, b"", meta)
                if code not in allowed:
                    wrong.append(f"{rpc} {meta}: {code.name} {details}")
    await asyncio.to_thread(sweep)
    assert wrong == []


def _decodes(rpc: Rpc, raw: bytes) -> bool:
    """Whether `raw` is a message of the RPC's request after all (the server rightly takes it):
    e.g. field 1 of a request without fields (ListCannedReplies, GetAgentHealth,
    ListPlatformJobs) is an unknown field, kept unparsed."""
    try:
        rpc.request_class.FromString(raw)
    except DecodeError:
        return False
    return True


async def test_every_rpc_answers_bytes_that_do_not_decode_with_invalid_argument(
        caller: Caller, world: World) -> None:
    meta = metadata(caller.token, str(world.tenant.tenant_id))
    garbage = [b"\xff\xff\xff", b"\x0a\x05ab", b"\x0a\x02\xc3\x28"]  # bad tag, short, bad UTF-8

    def sweep() -> list[str]:
        return [f"{rpc} {raw!r}: {code.name} {details}" for rpc in RPCS for raw in garbage
                if not _decodes(rpc, raw)
                for code, details in [caller.status(rpc, raw, meta)]
                if code is not grpc.StatusCode.INVALID_ARGUMENT]
    assert await asyncio.to_thread(sweep) == []


async def test_a_note_with_a_nul_character_is_invalid_argument_and_not_stored(
        platform: RunningPlatform, caller: Caller, world: World) -> None:
    """The issue's "a note": only the agent adds notes (AddNote), so the service refuses it."""
    before = await stored(platform, world.tenant.tenant_id)
    rpc = next(r for r in RPCS if r.method.name == "AddNote")
    request = conv_pb.AddNoteRequest(conversation_id=world.conversation_id, text="a\x00b")
    code, details = await asyncio.to_thread(
        caller.status, rpc, request.SerializeToString(),
        metadata(caller.token, str(world.tenant.tenant_id)))
    assert (code, "text" in details) == (grpc.StatusCode.INVALID_ARGUMENT, True), details
    assert await stored(platform, world.tenant.tenant_id) == before


async def test_usage_with_a_timestamp_that_is_not_one_is_invalid_argument(
        caller: Caller, world: World) -> None:
    rpc = next(r for r in RPCS if r.method.name == "GetUsage")
    request = agent_service_pb2.GetUsageRequest(**{"from": {"seconds": 1, "nanos": -5}})
    code, details = await asyncio.to_thread(
        caller.status, rpc, request.SerializeToString(),
        metadata(caller.token, str(world.tenant.tenant_id)))
    assert (code, details) == (grpc.StatusCode.INVALID_ARGUMENT, "`from` is not a valid time")


# --- hypothesis-made requests --------------------------------------------------------------


def strings(world: World) -> st.SearchStrategy[str]:
    """Ids and cursors good and bad, and text no database stores."""
    return st.one_of(
        st.sampled_from([world.conversation_id, world.message_id, world.channel_id,
                         world.document_id, str(uuid.uuid4()), "", "not-an-id",
                         FORGED_CURSOR, "!!!", "a\x00b", "x" * 70_000]),
        st.text(max_size=40))


_SCALARS: dict[int, st.SearchStrategy[Any]] = {
    FieldDescriptor.TYPE_INT32: st.integers(-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_INT64: st.integers(-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_UINT32: st.integers(0, 2**32 - 1),
    FieldDescriptor.TYPE_UINT64: st.integers(0, 2**64 - 1),
    FieldDescriptor.TYPE_DOUBLE: st.floats(allow_nan=True, allow_infinity=True),
    FieldDescriptor.TYPE_FLOAT: st.floats(width=32, allow_nan=True, allow_infinity=True),
    FieldDescriptor.TYPE_BOOL: st.booleans(),
    FieldDescriptor.TYPE_BYTES: st.binary(max_size=64),
    # Enums are open in proto3: a value nobody defined arrives as is.
    FieldDescriptor.TYPE_ENUM: st.integers(-1, 12),
}


def message_of(descriptor: Descriptor, text: st.SearchStrategy[str],
               depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """Some of a message's fields, each with a value of its type (nested messages twice deep)."""
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for field in descriptor.fields:
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            if depth >= 2 or field.message_type.GetOptions().map_entry:
                continue
            value: st.SearchStrategy[Any] = message_of(field.message_type, text, depth + 1)
        elif field.type == FieldDescriptor.TYPE_STRING:
            value = text
        else:
            value = _SCALARS[field.type]
        fields[field.name] = st.lists(value, max_size=3) if field.is_repeated else value
    return st.fixed_dictionaries({}, optional=fields)


def build(cls: type[Message], values: dict[str, Any]) -> Message:
    message = cls()
    for name, value in values.items():
        field = cls.DESCRIPTOR.fields_by_name[name]
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            sub = GetMessageClass(field.message_type)
            if field.is_repeated:
                getattr(message, name).extend(build(sub, v) for v in value)
            else:
                getattr(message, name).CopyFrom(build(sub, value))
        elif field.is_repeated:
            getattr(message, name).extend(value)
        else:
            setattr(message, name, value)
    return message


def tamed(rpc: Rpc, request: Message, platform: RunningPlatform) -> Message:
    """Addresses the platform would call are its own: the Avito emulator, the gateway, a
    closed loopback port for an LLM (never an address a fuzzer made up)."""
    for name, value in (("api_base_url", platform.emulator_url),
                        ("public_base_url", platform.gateway_url)):
        if name in request.DESCRIPTOR.fields_by_name:
            setattr(request, name, value)
    if rpc.method.name == "UpdateSettings":
        request.settings.base_url = NOWHERE  # type: ignore[attr-defined]
    return request


@pytest.mark.parametrize("rpc", RPCS, ids=str)
async def test_fuzzed_requests_get_a_domain_status(platform: RunningPlatform, caller: Caller,
                                                   world: World, rpc: Rpc) -> None:
    meta = metadata(caller.token, None if rpc.method.name in TENANTLESS
                    else str(world.tenant.tenant_id))
    crashes: list[str] = []
    codes: Counter[str] = Counter()

    @settings(FUZZ, max_examples=50)  # a call costs a few milliseconds
    @given(message_of(rpc.method.input_type, strings(world)))
    def fuzz(values: dict[str, Any]) -> None:
        request = tamed(rpc, build(rpc.request_class, values), platform)
        code, details = caller.status(rpc, request.SerializeToString(), meta)
        codes[code.name] += 1
        if code in CRASHES:
            crashes.append(f"{code.name} {details} for {str(request)[:300]!r}")
    await asyncio.to_thread(fuzz)
    report("gRPC, every RPC", codes, len(crashes))
    assert crashes == []
