"""`make run`'s server: the platform on one address, with what the demo needs beside it."""

import argparse
import ctypes
import ctypes.util
import signal
import subprocess  # noqa: S404 (starts our own worker, with a fixed command)
import sys

from werkzeug.serving import run_simple

from charity import create_app

#: One Celery worker with the beat inside it (the nightly jobs): enough for one district.
WORKER = [sys.executable, "-m", "celery", "-A", "charity.worker:celery", "worker", "--beat",
          "--concurrency", "1", "--loglevel", "INFO"]


#: Linux's prctl option: the signal a process gets when its parent dies.
PR_SET_PDEATHSIG = 1


def _stop_with_parent() -> None:
    """In the worker, before it starts: on Linux, a SIGTERM when the server dies, even
    killed outright (its `finally` cannot run then)."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start_worker() -> subprocess.Popen:
    """The job worker beside the web server; it stops with it."""
    return subprocess.Popen(  # noqa: S603 (a fixed command, no user input)
        WORKER, preexec_fn=_stop_with_parent if sys.platform == "linux" else None)


def stop(process: subprocess.Popen | None) -> None:
    """Stop a process started beside the server, and wait for it."""
    if process is None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def main() -> None:
    """Serve the app on --host and --port, with localstripe beside it when the demo uses it,
    until Ctrl+C."""
    parser = argparse.ArgumentParser(description="Serve Songtan for the demo.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--localstripe-port", type=int, default=8420)
    parser.add_argument("--no-worker", action="store_true",
                        help="Start no job worker (workers run elsewhere, on Redis).")
    args = parser.parse_args()
    # SIGTERM (a service manager's stop) unwinds like Ctrl+C: `finally` stops the worker
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(0))
    from donations.stripe import devstripe

    localstripe = devstripe.start(args.localstripe_port) if devstripe.wanted() else None
    app = create_app()
    if localstripe is not None:
        devstripe.wire(f"http://{args.host}:{args.port}", app.config["STRIPE_WEBHOOK_SECRET"])
        print(f"localstripe is at {app.config['STRIPE_API_BASE']}, its webhooks go to the app")
    worker = None if args.no_worker else start_worker()
    print(f"Songtan is at http://{args.host}:{args.port}/  (Ctrl+C stops it)")
    try:
        run_simple(args.host, args.port, app, threaded=True, use_reloader=False)
    finally:
        stop(worker)
        if localstripe is not None:
            localstripe.terminate()


if __name__ == "__main__":
    main()
