"""An HTTPS did:web host on loopback for tests and the demo, with a CA made at run time.

ACA-Py's did:web resolver only speaks https, so the demo issuer's DID document and its
AnonCreds objects are served over TLS by this host. Agents trust it through a CA bundle
(system roots + our CA) passed as SSL_CERT_FILE (aiohttp) and REQUESTS_CA_BUNDLE (tails
downloads use `requests`). Status lists are answered "as of" a timestamp like Credo
expects: `GET …/revStatus/<rid>/<t>` serves the newest version at or before t.
Run alone: `python -m demo.didweb_host --root DIR --state-dir DIR` prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import hashlib
import ipaddress
import json
import signal
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

import base58
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from agent.plugins.didweb_anoncreds.identifiers import did_web_for

LOOPBACK = "127.0.0.1"
SYSTEM_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
TAILS_PREFIX = "/tails/hash/"
MAX_TAILS_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class TestCertificates:
    """PEM files: the CA agents must trust, and the server certificate it signed."""

    ca_cert: Path
    server_cert: Path
    server_key: Path


def make_test_certificates(directory: Path) -> TestCertificates:
    """A fresh CA and a server certificate for 127.0.0.1 and localhost (valid one day)."""
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Learner Wallet test CA")])
    ca_cert = (
        _builder(ca_name, ca_name, ca_key.public_key(), now)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_ca_usage(), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(LOOPBACK))]
    server_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, LOOPBACK)])
    server_cert = (
        _builder(server_name, ca_name, key.public_key(), now)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(  # Python 3.13 verifies strictly (X509_STRICT): AKI is required.
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    certs = TestCertificates(
        directory / "ca.pem", directory / "server.pem", directory / "server-key.pem"
    )
    certs.ca_cert.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    certs.server_cert.write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    certs.server_key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    certs.server_key.chmod(0o600)
    return certs


def _builder(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    now: datetime.datetime,
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
    )


def _ca_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


def write_ca_bundle(ca_cert: Path, out: Path, system_bundle: Path = SYSTEM_BUNDLE) -> Path:
    """System roots plus our CA, for SSL_CERT_FILE: agents still trust real hosts."""
    system = system_bundle.read_bytes() if system_bundle.is_file() else b""
    out.write_bytes(system.rstrip(b"\n") + b"\n" + ca_cert.read_bytes())
    return out


class DidWebHost:
    """Serves a directory over HTTPS on 127.0.0.1; optionally accepts tails file uploads."""

    def __init__(
        self,
        root: Path,
        certs: TestCertificates,
        port: int = 0,
        accept_tails_uploads: bool = False,
    ) -> None:
        self.root = root.resolve()
        self._certs = certs
        self._requested_port = port
        self._accept_tails = accept_tails_uploads
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def origin(self) -> str:
        """https://127.0.0.1:<port>."""
        return f"https://{LOOPBACK}:{self.port}"

    def did(self, *path: str) -> str:
        """The did:web DID whose document this host serves (port encoded as %3A)."""
        return did_web_for(LOOPBACK, self.port, *path)

    async def start(self) -> None:
        """Listen on 127.0.0.1 (a free port unless one was given)."""
        app = web.Application(client_max_size=MAX_TAILS_BYTES)
        app.router.add_route("GET", "/{tail:.*}", self._get)
        app.router.add_route("PUT", "/{tail:.*}", self._put)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self._certs.server_cert, self._certs.server_key)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, LOOPBACK, self._requested_port, ssl_context=context)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Close the listener and open connections."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _file_for(self, url_path: str) -> Path | None:
        parts = [part for part in url_path.split("/") if part]
        if any(_hidden(part) for part in parts):
            return None
        path = self.root.joinpath(*parts)
        if path.is_file():
            return path if path.resolve().is_relative_to(self.root) else None
        if parts and parts[-1].isdigit() and path.parent.is_dir():
            return _as_of(path.parent, int(parts[-1]))
        return None

    async def _get(self, request: web.Request) -> web.StreamResponse:
        path = self._file_for(request.path)
        if path is None:
            raise web.HTTPNotFound(text=f"nothing at {request.path}\n")
        binary = request.path.startswith(TAILS_PREFIX)
        content_type = "application/octet-stream" if binary else "application/json"
        return web.FileResponse(path, headers={"Content-Type": content_type})

    async def _put(self, request: web.Request) -> web.Response:
        tails_hash = request.path.removeprefix(TAILS_PREFIX)
        if not self._accept_tails or not request.path.startswith(TAILS_PREFIX):
            raise web.HTTPMethodNotAllowed("PUT", ["GET"])
        if not tails_hash.isalnum():
            raise web.HTTPBadRequest(text="bad tails hash\n")
        reader = await request.multipart()
        async for part in reader:
            if getattr(part, "name", None) == "tails":
                data = await part.read()  # type: ignore[union-attr]
                digest = base58.b58encode(hashlib.sha256(data).digest()).decode()
                if digest != tails_hash:
                    raise web.HTTPBadRequest(text="tails file does not match its hash\n")
                target = self.root / "tails" / "hash" / tails_hash
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                return web.Response(text=self.origin + request.path)
        raise web.HTTPBadRequest(text="multipart field 'tails' missing\n")


def _hidden(part: str) -> bool:
    return part in {".", ".."} or (part.startswith(".") and part != ".well-known")


def _as_of(directory: Path, timestamp: int) -> Path | None:
    """The newest numerically named file in directory at or before timestamp."""
    stamps = [int(p.name) for p in directory.iterdir() if p.name.isdigit() and p.is_file()]
    earlier = [stamp for stamp in stamps if stamp <= timestamp]
    return directory / str(max(earlier)) if earlier else None


async def _serve(root: Path, state_dir: Path, port: int, tails: bool) -> None:
    certs = make_test_certificates(state_dir)
    bundle = write_ca_bundle(certs.ca_cert, state_dir / "ca-bundle.pem")
    host = DidWebHost(root, certs, port=port, accept_tails_uploads=tails)
    await host.start()
    info = {"origin": host.origin, "port": host.port, "did": host.did(), "ca_bundle": str(bundle)}
    print(json.dumps(info), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await host.stop()


def main() -> None:
    """Serve until SIGINT/SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--state-dir", type=Path, default=Path(tempfile.mkdtemp()))
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--accept-tails-uploads", action="store_true")
    args = parser.parse_args()
    asyncio.run(_serve(args.root, args.state_dir, args.port, args.accept_tails_uploads))


if __name__ == "__main__":
    main()
