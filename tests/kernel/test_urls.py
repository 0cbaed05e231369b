"""The outbound URL guard (services/kernel/urls.py): every form of an inside address is refused,
the resolved address is the one connected to (the name kept for Host and TLS), redirects are not
followed, and only the operator's allowlist opens a non-public address. Real HTTP on loopback;
names that cannot be made to resolve for real (a private address, a name that changes its
answer) come from a resolver given to the guard."""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from services.kernel.urls import (
    IPAddress,
    OutboundGuard,
    UrlRefused,
    parse,
    parse_allowlist,
    refusal,
)
from switchboard.devstack.postgres import EmbeddedPostgres
from switchboard.http_server import BackgroundServer
from tests.fixtures.inside import Inside

ip = ipaddress.ip_address


@pytest.fixture
async def inside() -> AsyncIterator[tuple[Inside, BackgroundServer]]:
    recorder = Inside()
    async with BackgroundServer(recorder.app) as server:
        yield recorder, server


def resolving(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    async def resolve(name: str, port: int) -> list[IPAddress]:
        if name not in table:
            raise OSError("no such name")
        return [ip(a) for a in table[name]]
    return resolve


@pytest.mark.parametrize("url", [
    "http://2130706433/", "http://0x7f000001/", "http://017700000001/", "http://127.1/",
    "http://0177.0.0.1/", "http://0x7f.0.0.1/", "http://127.0.0.1:46555v1",
    "http://127.0.0.1:99999/", "ftp://llm.example.com/", "file:///etc/passwd",
    "gopher://llm.example.com/", "http://user:secret@llm.example.com/", "http:///v1",
    "http://[::1/", "http://llm example.com/", "http://llm.example.com\\@127.0.0.1/",
    "http://ex%41mple.com/", "http://::1/", "http://[127.0.0.1]/", "",
])
def test_malformed_and_numeric_forms_are_refused_before_any_lookup(url: str) -> None:
    with pytest.raises(UrlRefused) as refused:
        parse(url)
    # A number for a host is an address in disguise, not a malformed URL.
    assert refused.value.malformed != any(n in url for n in ("2130706433", "0x7f", "0177", "127.1"))


def test_a_well_formed_url_keeps_its_name_and_port() -> None:
    assert parse("https://API.OpenAI.com./v1").host == "api.openai.com"
    assert parse("https://api.openai.com/v1").port == 443
    assert parse("http://[::ffff:127.0.0.1]:8091/v1").host == "::ffff:7f00:1"
    assert parse("http://пример.рф/v1").host == "xn--e1afmkfd.xn--p1ai"


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1",
    "100.127.255.254", "169.254.169.254", "169.254.1.1", "0.0.0.0", "0.1.2.3", "224.0.0.1",
    "239.255.255.250", "255.255.255.255", "240.0.0.1", "198.18.0.1", "192.0.2.1",
    "168.63.129.16", "100.100.100.200", "::1", "::", "fc00::1", "fd00:ec2::254", "fe80::1",
    "fec0::1", "ff02::1", "ff0e::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
    "::ffff:169.254.169.254", "::127.0.0.1", "::ffff:0:7f00:1", "2002:7f00:1::",
    "2002:a9fe:a9fe::", "64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b:1::1", "2001::1",
    "2001:db8::1", "100::1",
])
def test_every_inside_address_is_refused(address: str) -> None:
    assert refusal(ip(address)) is not None


@pytest.mark.parametrize("address", [
    "8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "2a00:1450:4010::64",
    "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::",
])
def test_public_addresses_pass(address: str) -> None:
    assert refusal(ip(address)) is None


def test_the_allowlist_is_host_port_pairs() -> None:
    assert parse_allowlist("127.0.0.1:8091, Ollama.Local:11434,[::1]:9000,") == {
        ("127.0.0.1", 8091), ("ollama.local", 11434), ("::1", 9000)}
    for bad in ("127.0.0.1", "ollama.local:port", "host:0", "2130706433:80", "::1:80"):
        with pytest.raises(ValueError):
            parse_allowlist(bad)


async def test_the_platform_s_own_servers_are_refused(postgres: EmbeddedPostgres,
                                                      nats_url: str,
                                                      inside: tuple[Inside, BackgroundServer]) -> None:
    _, server = inside
    guard = OutboundGuard()
    nats_port = httpx.URL(nats_url.replace("nats://", "http://")).port
    pg_port = httpx.URL(postgres.url().replace("postgresql://", "http://")).port
    for url in (f"http://127.0.0.1:{server.port}/v1", f"http://localhost:{server.port}/v1",
                f"http://[::1]:{server.port}/v1", f"http://[::ffff:127.0.0.1]:{server.port}/v1",
                f"http://127.0.0.1:{pg_port}/", f"http://localhost:{nats_port}/",
                "http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/",
                "http://0.0.0.0:80/", f"http://{socket.gethostname()}:{server.port}/"):
        with pytest.raises(UrlRefused):
            await guard.check(url)


async def test_a_name_is_refused_if_any_of_its_addresses_is_inside() -> None:
    guard = OutboundGuard(resolver=resolving({
        "internal.example.com": ["10.0.0.5"], "mixed.example.com": ["8.8.8.8", "192.168.0.7"],
        "public.example.com": ["8.8.8.8", "2606:4700:4700::1111"]}))
    for url in ("https://internal.example.com/v1", "https://mixed.example.com/v1",
                "https://nowhere.example.com/v1"):
        with pytest.raises(UrlRefused):
            await guard.check(url)
    assert (await guard.check("https://public.example.com/v1")).host == "public.example.com"


async def test_only_the_allowlisted_host_and_port_open_an_inside_address(
        inside: tuple[Inside, BackgroundServer]) -> None:
    _, server = inside
    guard = OutboundGuard(f"127.0.0.1:{server.port}")
    await guard.check(f"http://127.0.0.1:{server.port}/v1")
    await guard.check(f"http://localhost:{server.port}/v1")  # resolves to the allowed address
    for url in (f"http://127.0.0.1:{server.port + 1}/v1", f"http://[::1]:{server.port}/v1",
                f"http://2130706433:{server.port}/v1", "http://10.0.0.1/"):
        with pytest.raises(UrlRefused):
            await guard.check(url)


async def test_the_client_refuses_at_connect_and_nothing_arrives(
        inside: tuple[Inside, BackgroundServer]) -> None:
    recorder, server = inside
    async with OutboundGuard().client(timeout=5) as client:
        with pytest.raises(UrlRefused):
            await client.get(f"http://127.0.0.1:{server.port}/secret")
        with pytest.raises(UrlRefused):
            await client.get(f"http://2130706433:{server.port}/secret")
    async with OutboundGuard(f"127.0.0.1:{server.port}").client(timeout=5) as allowed:
        assert (await allowed.get(f"http://127.0.0.1:{server.port}/marker")).status_code == 200
    assert recorder.paths == ["/marker"]  # the marker came, nothing before


async def test_the_connection_goes_to_the_vetted_address_with_the_name_as_host(
        inside: tuple[Inside, BackgroundServer]) -> None:
    """`llm.test` exists only in the guard's resolver: the system resolver was never asked."""
    _, server = inside
    guard = OutboundGuard(f"127.0.0.1:{server.port}", resolver=resolving({"llm.test": ["127.0.0.1"]}))
    async with guard.client(timeout=5) as client:
        resp = await client.get(f"http://llm.test:{server.port}/v1/models")
    assert resp.json() == {"host": f"llm.test:{server.port}"}


async def test_a_name_that_changes_its_answer_is_vetted_again_at_connect(
        inside: tuple[Inside, BackgroundServer]) -> None:
    """Stored while it resolved to a public address, called after it moved inside."""
    recorder, server = inside
    answers = iter([["8.8.8.8"], ["127.0.0.1"]])

    async def rebinding(name: str, port: int) -> list[IPAddress]:
        return [ip(a) for a in next(answers)]

    guard = OutboundGuard(resolver=rebinding)
    await guard.check(f"http://rebind.test:{server.port}/v1")
    async with guard.client(timeout=5) as client:
        with pytest.raises(UrlRefused):
            await client.get(f"http://rebind.test:{server.port}/v1")
    assert recorder.seen == []  # refused before connecting: nothing can have arrived


async def test_redirects_are_not_followed_and_a_followed_one_is_vetted(
        inside: tuple[Inside, BackgroundServer]) -> None:
    recorder, server = inside
    hidden = Inside()
    async with BackgroundServer(hidden.app) as other:  # not allowlisted
        guard = OutboundGuard(f"127.0.0.1:{server.port}")
        target = f"http://127.0.0.1:{other.port}/secret"
        async with guard.client(timeout=5) as client:
            resp = await client.get(f"http://127.0.0.1:{server.port}/redirect", params={"to": target})
            assert resp.status_code == 307 and resp.headers["location"] == target
            with pytest.raises(UrlRefused):
                await client.get(f"http://127.0.0.1:{server.port}/redirect", params={"to": target},
                                 follow_redirects=True)
    assert recorder.paths == ["/redirect", "/redirect"] and hidden.seen == []


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A self-signed certificate for llm.test only (not for 127.0.0.1)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "llm.test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("llm.test")]), critical=False)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    yield cert_file, key_file


async def test_tls_is_checked_against_the_name_not_the_pinned_address(
        tls_files: tuple[Path, Path]) -> None:
    cert_file, key_file = tls_files
    trust = ssl.create_default_context(cafile=str(cert_file))
    recorder = Inside()
    async with BackgroundServer(recorder.app, ssl_certfile=str(cert_file),
                                ssl_keyfile=str(key_file)) as server:
        guard = OutboundGuard(f"127.0.0.1:{server.port}",
                              resolver=resolving({"llm.test": ["127.0.0.1"]}))
        async with httpx.AsyncClient(transport=guard.transport(verify=trust)) as client:
            resp = await client.get(f"https://llm.test:{server.port}/v1")
            assert resp.json() == {"host": f"llm.test:{server.port}"}
            with pytest.raises(httpx.ConnectError, match="certificate"):  # the IP is not the name
                await client.get(f"https://127.0.0.1:{server.port}/v1")


async def test_a_refusal_is_logged_for_the_operator_without_credentials(
        caplog: pytest.LogCaptureFixture) -> None:
    guard = OutboundGuard()
    with caplog.at_level("WARNING", logger="services.kernel.urls"):
        for url in ("ftp://user:s3cret@llm.example.com/v1?key=s3cret",
                    "http://user:s3cret@127.0.0.1:8080/v1?key=s3cret", "http://127.0.0.1:9/v1"):
            with pytest.raises(UrlRefused):
                await guard.check(url)
    logged = [(r.outbound_host, r.reason) for r in caplog.records  # type: ignore[attr-defined]
              if r.getMessage() == "outbound call refused"]
    assert len(logged) == 3 and "s3cret" not in str(logged)
    assert logged[2] == ("127.0.0.1", "127.0.0.1 resolves to 127.0.0.1, a loopback address")
