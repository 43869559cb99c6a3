"""`make run`'s server: the platform on one address, with what the demo needs beside it."""

import argparse

from werkzeug.serving import run_simple

from charity import create_app


def main() -> None:
    """Serve the app on --host and --port, with localstripe beside it when the demo uses it,
    until Ctrl+C."""
    parser = argparse.ArgumentParser(description="Serve Songtan for the demo.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--localstripe-port", type=int, default=8420)
    args = parser.parse_args()
    from donations.stripe import devstripe

    localstripe = devstripe.start(args.localstripe_port) if devstripe.wanted() else None
    app = create_app()
    if localstripe is not None:
        devstripe.wire(f"http://{args.host}:{args.port}", app.config["STRIPE_WEBHOOK_SECRET"])
        print(f"localstripe is at {app.config['STRIPE_API_BASE']}, its webhooks go to the app")
    print(f"Songtan is at http://{args.host}:{args.port}/  (Ctrl+C stops it)")
    try:
        run_simple(args.host, args.port, app, threaded=True, use_reloader=False)
    finally:
        if localstripe is not None:
            localstripe.terminate()


if __name__ == "__main__":
    main()
