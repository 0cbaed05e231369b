"""TLS on for NATS and gRPC, end to end, with a CA made in the test: the conversations service
connects to a nats-server that requires TLS (verifying it with the CA), serves gRPC over TLS
(with a plaintext port for health alone), and a message published on the bus is stored and read
back over a verified TLS channel. Plaintext clients get nowhere."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import nats
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from grpc_health.v1 import health_pb2, health_pb2_grpc

from clients.rpc.base import open_channel
from clients.rpc.conversations import ConversationsClient
from clients.rpc.permissions import ADMIN
from services.kernel.bus import Bus
from services.kernel.config import KernelSettings
from services.kernel.errors import Unavailable
from services.kernel.tls import nats_ssl_context
from switchboard.credentials import Credentials
from switchboard.devstack.nats import EmbeddedNats, ServerTls
from switchboard.devstack.ports import free_port
from switchboard.devstack.postgres import EmbeddedPostgres
from switchboard.platform import Platform, start_platform
from switchboard.streams import ensure_streams
from tests.fixtures.databases import private_database
from tests.fixtures.events import eventually, publish_inbound, unified


@dataclass(frozen=True)
class Pki:
    ca: Path
    cert: Path
    key: Path


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_pki(directory: Path) -> Pki:
    """A self-signed CA and a server certificate it signed for 127.0.0.1 and localhost."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(_name("test CA")).issuer_name(_name("test CA"))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder().subject_name(_name("localhost")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pki = Pki(directory / "ca.crt", directory / "tls.crt", directory / "tls.key")
    pki.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    pki.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pki.key.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    pki.key.chmod(0o600)
    return pki


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def tls_nats(tmp_path_factory: pytest.TempPathFactory, credentials: Credentials,
             pki: Pki) -> Iterator[EmbeddedNats]:
    with EmbeddedNats(tmp_path_factory.mktemp("tls-nats"), credentials=credentials,
                      tls=ServerTls(pki.cert, pki.key)) as server:
        yield server


@pytest.fixture(scope="module")
async def tls_settings(settings: KernelSettings, tls_nats: EmbeddedNats, pki: Pki,
                       postgres: EmbeddedPostgres) -> KernelSettings:
    """Everything over TLS, on a database of its own (its relay must not drain the session's)."""
    tls = KernelSettings(**{
        **settings.model_dump(), "nats_url": tls_nats.url, "nats_tls_ca": str(pki.ca),
        "grpc_tls_cert": str(pki.cert), "grpc_tls_key": str(pki.key), "grpc_tls_ca": str(pki.ca),
        "grpc_health_listen": f"127.0.0.1:{free_port()}",
        "database_url": await private_database(postgres, "tls")})
    admin = KernelSettings(**{**tls.model_dump(), **tls_nats.credentials.admin_settings()})
    await ensure_streams(admin)  # over TLS too
    return tls


@pytest.fixture(scope="module")
async def tls_platform(tls_settings: KernelSettings,
                       credentials: Credentials) -> AsyncIterator[Platform]:
    running = await start_platform(("conversations",), credentials.per_component(),
                                   **tls_settings.model_dump())
    yield running
    await running.stop(1)


async def test_a_plaintext_nats_client_is_refused(tls_nats: EmbeddedNats,
                                                  credentials: Credentials) -> None:
    """The server asks for TLS first: a client that speaks in clear (its password with it) gets
    no further than the greeting."""
    reader, writer = await asyncio.open_connection("127.0.0.1", tls_nats.port)
    try:
        info = json.loads((await reader.readline()).decode().removeprefix("INFO "))
        assert info["tls_required"] is True
        login = credentials.nats_login(ADMIN)
        writer.write(f"CONNECT {json.dumps({**login, 'verbose': False})}\r\nPING\r\n".encode())
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(4096), 10)
        assert b"PONG" not in answer
    finally:
        writer.close()


async def test_a_client_that_does_not_trust_the_ca_is_refused(
        tls_nats: EmbeddedNats, credentials: Credentials, tmp_path: Path) -> None:
    stranger = make_pki(tmp_path)  # another CA
    context = nats_ssl_context(KernelSettings(nats_tls_ca=str(stranger.ca)))
    with pytest.raises((nats.errors.Error, OSError)):
        await nats.connect(tls_nats.url, **credentials.nats_login(ADMIN), tls=context,
                           allow_reconnect=False, connect_timeout=3)


async def test_tls_on_for_nats_and_grpc_works_end_to_end(
        tls_platform: Platform, tls_settings: KernelSettings, credentials: Credentials) -> None:
    runtime = tls_platform.runtimes["conversations"]
    assert runtime.grpc.tls
    bus = await Bus.connect(tls_settings.nats_url, name="tls-test", **credentials.nats_login(ADMIN),
                            tls=nats_ssl_context(tls_settings))
    caller = tls_settings.caller("gateway")
    client = ConversationsClient(open_channel(runtime.grpc.address, caller), caller)
    tenant, chat = uuid.uuid4(), f"u2i-{uuid.uuid4().hex[:8]}"
    try:
        await publish_inbound(bus, tenant, unified(uuid.uuid4(), chat, "m-1", "Здравствуйте"))

        async def stored() -> bool:  # consumed over TLS NATS, read back over TLS gRPC
            listed = await client.list_conversations(tenant)
            return any(c.external_chat_id == chat for c in listed.conversations)
        await eventually(stored, within=20)
    finally:
        await client.channel.close()
        await bus.close()


async def test_plaintext_grpc_reaches_nothing_but_health(tls_platform: Platform,
                                                         tls_settings: KernelSettings) -> None:
    runtime = tls_platform.runtimes["conversations"]
    plain = tls_settings.caller("gateway")
    plain = type(plain)(plain.name, plain.token, None)  # no CA: a plaintext channel
    client = ConversationsClient(open_channel(runtime.grpc.address, plain), plain)
    try:
        with pytest.raises(Unavailable):
            await client.list_conversations(uuid.uuid4())
    finally:
        await client.channel.close()
    async with grpc.aio.insecure_channel(tls_settings.grpc_health_listen) as channel:
        health = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(),
                                                                 timeout=5)
        assert health.status == health_pb2.HealthCheckResponse.SERVING
        listing = channel.unary_unary(
            "/switchboard.conversations.v1.ConversationsService/ListConversations",
            request_serializer=lambda raw: raw, response_deserializer=lambda raw: raw)
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await listing(b"", timeout=5)
        assert refused.value.code() == grpc.StatusCode.UNIMPLEMENTED
