"""How requests reach the server: TLS verification, HTTP(S) proxies from the environment, fixed addresses.

- TLS is verified by default; a CA bundle trusts a private CA; `insecure` turns verification off, and
  urllib3's per-request InsecureRequestWarning is silenced because the run warns once itself.
- Proxies come from the standard variables (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY), read once per
  scheme and host (reading them scans the whole environment: per request it was a third of a run's time). The
  session keeps `trust_env = False` so that nothing else from the environment (a ~/.netrc password, a CA bundle
  variable) silently changes what is sent.
- `resolve` maps a host name to an address, like curl's --resolve: the connection goes to the address while
  the Host header, TLS SNI and the certificate check keep the name. It lets virtual-host addressing (the bucket
  as a DNS label) be exercised against a server on loopback without editing /etc/hosts.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from requests.utils import get_environ_proxies
from urllib3.exceptions import InsecureRequestWarning


def tls_reason(error: Exception) -> str:
    """The TLS failure in a few words (`certificate verify failed: self-signed certificate`), not the URL and
    chained reprs requests puts around it."""
    text = str(error)
    found = re.search(r"certificate verify failed[^'\")(]*", text) or re.search(r"SSL: [A-Z_]+\] [^'\")(]*", text)
    return found.group(0).strip() if found else type(error).__name__


def _address(resolve: Mapping[str, str], url: str) -> str | None:
    """The pinned address of the URL's host: by exact name, else by `*.parent` (one label deep)."""
    name = (urlsplit(url).hostname or "").lower()
    return resolve.get(name) or resolve.get("*." + name.partition(".")[2])


def _netloc(host: str, port: int | None) -> str:
    host = f"[{host}]" if ":" in host else host
    return f"{host}:{port}" if port else host


class _Adapter(HTTPAdapter):
    def __init__(self, resolve: Mapping[str, str], verify: bool | str) -> None:
        self.resolve = {name.lower(): address for name, address in resolve.items()}  # "*.name": any one label
        self.verify = verify
        self.proxies: dict[tuple[str, str], dict[str, str]] = {}  # (scheme, host:port) -> proxies for it
        super().__init__(max_retries=0)

    def send(self, request: requests.PreparedRequest, **kwargs) -> requests.Response:
        parts = urlsplit(request.url)
        origin = (parts.scheme, parts.netloc)
        if origin not in self.proxies:
            self.proxies[origin] = get_environ_proxies(request.url or "")
        kwargs["proxies"] = self.proxies[origin]
        kwargs["verify"] = self.verify
        address = _address(self.resolve, request.url or "")
        if address:
            request.headers.setdefault("Host", parts.netloc)
            request.url = urlunsplit(parts._replace(netloc=_netloc(address, parts.port)))
            kwargs["proxies"] = {}  # a fixed address is reached directly
        if self.verify is False:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", InsecureRequestWarning)
                return super().send(request, **kwargs)
        return super().send(request, **kwargs)

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        name = urlsplit(f"//{request.headers.get('Host', '')}").hostname
        if host_params["scheme"] == "https" and name and name != host_params["host"]:
            # connected by address: SNI and the certificate check still use the name
            pool_kwargs["server_hostname"] = name
            pool_kwargs["assert_hostname"] = name
        return host_params, pool_kwargs


@dataclass(frozen=True)
class Transport:
    """TLS and routing settings shared by every session of a run."""

    ca_bundle: str = ""
    insecure: bool = False
    resolve: Mapping[str, str] = field(default_factory=dict)

    @property
    def verify(self) -> bool | str:
        return False if self.insecure else (self.ca_bundle or True)

    def session(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False
        session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))  # a Set-Cookie never changes a request
        adapter = _Adapter(self.resolve, self.verify)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    def curl_flags(self, url: str) -> list[str]:
        """curl options that reach the server the same way (certificate trust, fixed address)."""
        flags = ["-k"] if self.insecure else (["--cacert", self.ca_bundle] if self.ca_bundle else [])
        parts = urlsplit(url)
        address = _address(self.resolve, url)
        if address:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            flags += ["--resolve", f"{parts.hostname}:{port}:{address}"]
        return flags
