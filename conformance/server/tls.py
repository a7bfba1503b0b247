"""TLS for the reference server: a server-side SSL context, and a self-signed certificate made on demand.

The certificate is made with the `openssl` command line, not the `cryptography` package: openssl is on every
system that runs TLS servers and CI images, and the package would become a dependency of everyone who installs
the suite for one optional feature. The certificate is its own CA (basicConstraints CA:TRUE), so the same file
is the server's certificate and the client's --ca-bundle.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path

from conformance.server.request import is_ip


class TLSError(RuntimeError):
    """One line: what could not be done with the certificate, and why."""


def server_context(cert: str | Path, key: str | Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(str(cert), str(key))
    except (OSError, ssl.SSLError) as exc:
        raise TLSError(f"cannot load the certificate {cert} and key {key}: {exc}") from None
    return context


def self_signed(directory: str | Path, names: list[str], days: int = 7) -> tuple[Path, Path]:
    """Write cert.pem and key.pem (RSA 2048) for `names` (DNS names or IP addresses) into `directory`."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise TLSError("the openssl command is not installed; give --tls-cert and --tls-key instead")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    cert, key = directory / "cert.pem", directory / "key.pem"
    san = ",".join(f"IP:{n}" if is_ip(n) else f"DNS:{n}" for n in names)
    command = [
        openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", str(days),
        "-subj", "/CN=oss-conformance reference server", "-keyout", str(key), "-out", str(cert),
        "-addext", f"subjectAltName={san}", "-addext", "basicConstraints=critical,CA:TRUE",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise TLSError(f"openssl could not make a certificate: {done.stderr.strip().splitlines()[-1:]}")
    return cert, key


def default_names(host: str) -> list[str]:
    """Loopback names and addresses, plus the listening host unless it is a wildcard; each DNS name also as
    `*.name` so that virtual-host requests (`bucket.name`) match the certificate."""
    names = ["localhost", "127.0.0.1", "::1"]
    if host not in ("", "0.0.0.0", "::") and host not in names:
        names.append(host)
    return names + [f"*.{n}" for n in names if not is_ip(n)]
