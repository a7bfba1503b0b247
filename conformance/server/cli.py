"""`serve`: run the reference server in the foreground until Ctrl-C.

    serve --host 127.0.0.1 --port PORT [--bucket NAME] [--access-key-id ID] [--access-key-secret SECRET]
          [--region R] [--quirk NAME ...] [--data-dir DIR] [--latency-ms MS]

Prints exactly one line (never the secret), e.g.
`oss-conformance reference server: url=http://127.0.0.1:PORT bucket=NAME access_key_id=ID`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from conformance.server.quirks import REGISTRY
from conformance.server.server import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, ReferenceServer, is_loopback


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="serve", description="Run the oss-conformance reference server.")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
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
    return parser


def serve_main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.latency_ms < 0:
        print(f"serve: --latency-ms {args.latency_ms:g} is negative (use 0 or more)", file=sys.stderr)
        return 2
    if not is_loopback(args.host):
        print(f"serve: refusing non-loopback host {args.host!r} (use 127.0.0.1, ::1 or localhost)", file=sys.stderr)
        return 2
    server = ReferenceServer(
        host=args.host,
        port=args.port,
        bucket=args.bucket,
        access_key_id=args.access_key_id,
        access_key_secret=args.access_key_secret,
        region=args.region,
        quirks=args.quirk,
        data_dir=args.data_dir,
        verbose=args.verbose,
        latency_ms=args.latency_ms,
    )
    try:
        server.bind()
    except OSError as error:
        print(f"serve: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    print(
        f"oss-conformance reference server: url={server.url} bucket={args.bucket} access_key_id={args.access_key_id}",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(serve_main())
