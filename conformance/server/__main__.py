"""`python -m conformance.server [serve] ...`: run the reference server in the foreground."""

import sys

from conformance.server.cli import serve_main

if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments[:1] == ["serve"]:
        arguments = arguments[1:]
    sys.exit(serve_main(arguments))
