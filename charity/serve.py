"""`make run`'s server: the platform on one address, with what the demo needs beside it."""

import argparse

from werkzeug.serving import run_simple

from charity import create_app


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve Songtan for the demo.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    app = create_app()
    print(f"Songtan is at http://{args.host}:{args.port}/  (Ctrl+C stops it)")
    run_simple(args.host, args.port, app, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
