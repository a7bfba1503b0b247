"""`serve`: run the reference server in the foreground until Ctrl-C.

    serve --host 127.0.0.1 --port PORT [--bucket NAME] [--access-key-id ID] [--access-key-secret SECRET]
          [--region R] [--quirk NAME ...] [--data-dir DIR] [--latency-ms MS]

Prints one line with the URL and bucket, then the `export` line a client needs (it is a local test server:
its secret is not a secret worth hiding). Bad input (a port, a data directory) is one line and exit 2.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence

from conformance.server.persist import StoreError
from conformance.server.quirks import REGISTRY
from conformance.server.server import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, ReferenceServer, is_loopback


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0-65535; 0 picks a free one)")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="serve", description="Run the oss-conformance reference server.")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on")
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
        choices=sorted(REGISTRY),
        help="enable a deliberate deviation (repeatable)",
    )
    parser.add_argument("--data-dir", default=None, help="persist state to this directory")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="hold every request this long (a distant server)")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    parser.add_argument(
        "--max-body", type=int, default=64 * 1024 * 1024, help="largest request body accepted, bytes (64 MiB)"
    )
    return parser


def serve_main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.latency_ms < 0:
        print(f"serve: --latency-ms {args.latency_ms:g} is negative (use 0 or more)", file=sys.stderr)
        return 2
    if not is_loopback(args.host):
        print(f"serve: refusing non-loopback host {args.host!r} (use 127.0.0.1, ::1 or localhost)", file=sys.stderr)
        return 2
    try:
        server = _server(args)
        server.bind()
    except StoreError as error:
        print(f"serve: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"serve: cannot listen on {args.host}:{args.port}: {error.strerror or error}", file=sys.stderr)
        return 2
    print(
        f"oss-conformance reference server: url={server.url} bucket={args.bucket} access_key_id={args.access_key_id}",
        flush=True,
    )
    print(
        f"export OSS_ACCESS_KEY_ID={shlex.quote(args.access_key_id)} "
        f"OSS_ACCESS_KEY_SECRET={shlex.quote(args.access_key_secret)}",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def _server(args: argparse.Namespace) -> ReferenceServer:
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
    )


if __name__ == "__main__":
    sys.exit(serve_main())
