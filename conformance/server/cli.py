"""`serve`: run the reference server in the foreground until Ctrl-C.

    serve --host 127.0.0.1 --port PORT [--bucket NAME] [--access-key-id ID] [--access-key-secret SECRET]
          [--region R] [--quirk NAME ...] [--data-dir DIR] [--latency-ms MS]
          [--restore-seconds S]
          [--tls-cert FILE --tls-key FILE | --tls-self-signed DIR]

Prints one line with the URL and bucket (+ ` ca_bundle=DIR/cert.pem` with a generated certificate), then the
`export` line a client needs (it is a local test server: its secret is not a secret worth hiding). Listening
beyond loopback adds one warning line on stderr: whoever reaches the port can use those credentials. Bad input
(a port, a data directory, a certificate) is one line and exit 2.
"""

from __future__ import annotations

import argparse
import shlex
import ssl
import sys
from collections.abc import Sequence

from conformance.server import tls
from conformance.server.persist import StoreError
from conformance.server.quirks import quirk_name
from conformance.server.server import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, ReferenceServer, is_loopback
from conformance.server.tls import TLSError
from conformance.usage import Parser


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0-65535; 0 picks a free one)")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="oss-conformance serve", description="Run the oss-conformance reference server.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0: every interface)")
    parser.add_argument("--port", type=_port, default=0, help="0 picks a free port")
    parser.add_argument("--bucket", default="oss-conformance")
    parser.add_argument("--access-key-id", default=DEFAULT_ACCESS_KEY_ID)
    parser.add_argument("--access-key-secret", default=DEFAULT_ACCESS_KEY_SECRET)
    parser.add_argument("--region", default="cn-hangzhou")
    parser.add_argument(
        "--quirk",
        action="append",
        default=[],
        metavar="NAME",
        type=quirk_name,
        help="enable a deliberate deviation (repeatable)",
    )
    parser.add_argument("--data-dir", default=None, help="persist state to this directory")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="hold every request this long (a distant server)")
    parser.add_argument(
        "--restore-seconds",
        type=float,
        default=1.0,
        help="how long a RestoreObject stays in progress before the object is readable (1 s)",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    parser.add_argument(
        "--max-body", type=int, default=64 * 1024 * 1024, help="largest request body accepted, bytes (64 MiB)"
    )
    parser.add_argument("--tls-cert", metavar="FILE", help="serve https:// with this PEM certificate (chain)")
    parser.add_argument("--tls-key", metavar="FILE", help="the certificate's PEM private key")
    parser.add_argument(
        "--tls-self-signed", metavar="DIR", help="serve https:// with a new self-signed certificate written to DIR"
    )
    return parser


def _tls(args: argparse.Namespace) -> tuple[ssl.SSLContext | None, str]:
    """(server context or None, path of the CA bundle a client needs, if this run made one)."""
    if args.tls_self_signed:
        if args.tls_cert or args.tls_key:
            raise TLSError("give either --tls-self-signed or --tls-cert/--tls-key")
        cert, key = tls.self_signed(args.tls_self_signed, tls.default_names(args.host))
        return tls.server_context(cert, key), str(cert)
    if bool(args.tls_cert) != bool(args.tls_key):
        raise TLSError("--tls-cert and --tls-key go together")
    return (tls.server_context(args.tls_cert, args.tls_key) if args.tls_cert else None), ""


def serve_main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for option, value in (("--latency-ms", args.latency_ms), ("--restore-seconds", args.restore_seconds)):
        if value < 0:
            print(f"serve: {option} {value:g} is negative (use 0 or more)", file=sys.stderr)
            return 2
    try:
        context, ca_bundle = _tls(args)
    except TLSError as error:
        print(f"serve: {error}", file=sys.stderr)
        return 2
    try:
        server = _server(args, context)
        server.bind()
    except StoreError as error:
        print(f"serve: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"serve: cannot listen on {args.host}:{args.port}: {error.strerror or error}", file=sys.stderr)
        return 2
    line = f"oss-conformance reference server: url={server.url} bucket={args.bucket} access_key_id={args.access_key_id}"
    print(line + (f" ca_bundle={ca_bundle}" if ca_bundle else ""), flush=True)
    print(
        f"export OSS_ACCESS_KEY_ID={shlex.quote(args.access_key_id)} "
        f"OSS_ACCESS_KEY_SECRET={shlex.quote(args.access_key_secret)}",
        flush=True,
    )
    if not is_loopback(args.host):
        print(
            f"serve: warning: listening on {args.host}, beyond loopback: whoever reaches this port can use the "
            "credentials printed above to read and write its buckets",
            file=sys.stderr,
            flush=True,
        )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def _server(args: argparse.Namespace, context: ssl.SSLContext | None) -> ReferenceServer:
    return ReferenceServer(
        host=args.host,
        port=args.port,
        bucket=args.bucket,
        access_key_id=args.access_key_id,
        access_key_secret=args.access_key_secret,
        region=args.region,
        quirks=args.quirk,
        data_dir=args.data_dir,
        verbose=args.verbose,
        max_body=args.max_body,
        latency_ms=args.latency_ms,
        restore_seconds=args.restore_seconds,
        tls=context,
    )


if __name__ == "__main__":
    sys.exit(serve_main())
