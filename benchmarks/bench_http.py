"""`POST /v1/check` latency and throughput against a real `drafter serve` on loopback.

Starts `drafter serve --port 0` as a subprocess (audit log on, in a temporary file, unless --no-log),
then runs 50 concurrent keep-alive clients in two phases, each bounded by a request count and a time:

  typing     each client re-checks its draft every --interval ms (with jitter) while "typing" one
             more word, as an email add-in does: the latency a user sees (target: p99 < 20 ms);
  saturated  each client sends its next request as soon as the last one is answered: the most
             requests per second the server handles, and the queueing latency at that load.

The clients speak HTTP/1.1 over asyncio streams directly, so the load generator costs little of the
CPU it shares with the server. Run:  python benchmarks/bench_http.py [--clients 50] [--requests 4000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ACCOUNT = json.loads((Path(__file__).resolve().parent.parent / "examples" / "accounts"
                      / "acme-saas.json").read_text())
DRAFT = ("Subject: Invoice INV-1042\n\nHello Dana,\n\nThank you for letting us know about the move to "
         "the new ERP system. Invoice INV-1042 for $26,000.00 is now 53 days past due, and INV-1077 "
         "for $26,000.00 followed on October 31. You can pay at "
         "https://pay.northwind.example/acme-analytics by ACH or card. Could you confirm that both "
         "invoices are in the December 1 payment run, and tell me if anything else is holding them "
         "up?\n\nBest regards,\nJordan Reyes")
WORDS = "please let me know whether the approval is still waiting on the CFO sign-off".split()


def start_server(extra: list[str]) -> tuple[subprocess.Popen, int, Path]:
    workdir = Path(tempfile.mkdtemp(prefix="drafter-bench-"))
    args = [sys.executable, "-m", "drafter", "serve", "--port", "0", *extra]
    if "--no-log" not in extra:
        args += ["--db", str(workdir / "audit.db")]
    env = {k: v for k, v in os.environ.items() if k != "DRAFTER_API_TOKEN"}
    process = subprocess.Popen(args, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                               env=env, cwd=workdir)
    line = process.stderr.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
    if not match:
        process.kill()
        sys.exit(f"drafter serve did not start: {line}{process.stderr.read()}")
    return process, int(match.group(1)), workdir


class Client:
    """One keep-alive HTTP/1.1 connection to the server."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                          b"Content-Length: %d\r\n\r\n%s" % (path.encode(), len(body), body))
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def body_for(client_id: int, step: int) -> bytes:
    typed = " ".join(WORDS[: step % (len(WORDS) + 1)])
    text = DRAFT.replace("Best regards", f"{typed}\n\nBest regards" if typed else "Best regards")
    return json.dumps({"text": text, "account": ACCOUNT}).encode()


async def phase(port: int, clients: int, requests: int, seconds: float,
                interval: float | None) -> tuple[list[float], int, float]:
    """Latencies (s) of successful requests, the number of failures, and the wall time."""
    latencies: list[float] = []
    failures = 0
    budget = iter(range(requests))
    deadline = time.perf_counter() + seconds

    async def run(client_id: int) -> None:
        nonlocal failures
        client, step = Client(port), 0
        if interval:
            await asyncio.sleep(random.uniform(0, interval))  # clients do not all start together
        try:
            while time.perf_counter() < deadline and next(budget, None) is not None:
                body = body_for(client_id, step)
                started = time.perf_counter()
                status, _ = await client.post("/v1/check", body)
                elapsed = time.perf_counter() - started
                if status == 200:
                    latencies.append(elapsed)
                else:
                    failures += 1
                step += 1
                if interval:
                    await asyncio.sleep(max(0.0, random.uniform(0.5, 1.5) * interval - elapsed))
        finally:
            client.close()

    started = time.perf_counter()
    await asyncio.gather(*(run(i) for i in range(clients)))
    return latencies, failures, time.perf_counter() - started


def cpu_seconds(pid: int) -> float | None:
    """CPU time the server process has used so far (Linux), to tell its own cost from contention."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def report(name: str, latencies: list[float], failures: int, wall: float,
           server_cpu: float | None) -> None:
    if not latencies:
        print(f"{name:10s} no successful requests ({failures} failed)")
        return
    ms = [v * 1000 for v in latencies]
    cpu = f"  server CPU {server_cpu * 1000 / len(ms):4.1f} ms/req" if server_cpu is not None else ""
    print(f"{name:10s} {len(ms):6d} ok {failures:4d} failed  {len(ms) / wall:6.0f} req/s  "
          f"p50 {percentile(ms, 50):6.1f} ms  p95 {percentile(ms, 95):6.1f} ms  "
          f"p99 {percentile(ms, 99):6.1f} ms  max {max(ms):6.1f} ms{cpu}")


async def measured(pid: int, *args) -> tuple[list[float], int, float, float | None]:
    before = cpu_seconds(pid)
    latencies, failures, wall = await phase(*args)
    after = cpu_seconds(pid)
    return latencies, failures, wall, (after - before) if before is not None and after else None


async def main_async(args: argparse.Namespace, port: int, pid: int) -> None:
    warm = Client(port)
    for step in range(50):
        status, payload = await warm.post("/v1/check", body_for(0, step))
        if status != 200:
            sys.exit(f"/v1/check answered {status}: {payload[:300]!r}")
    warm.close()
    print(f"POST /v1/check, {args.clients} concurrent clients, {len(body_for(0, 0))}-byte requests, "
          f"loopback, audit log {'off' if args.no_log else 'on'}")
    typing = await measured(pid, port, args.clients, args.requests, args.seconds,
                            args.interval / 1000)
    report("typing", *typing)
    print(f"{'':10s} (each client re-checks every {args.interval:g} ms +/-50%: "
          f"{args.clients * 1000 / args.interval:.0f} req/s offered)")
    saturated = await measured(pid, port, args.clients, args.requests, args.seconds, None)
    report("saturated", *saturated)
    p99 = percentile([v * 1000 for v in typing[0]], 99) if typing[0] else float("inf")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    if load is not None:
        print(f"machine load average (1 min): {load:.1f} on {os.cpu_count()} CPUs")
    print(f"target p99 < 20 ms while typing: {'met' if p99 < 20 else 'NOT met'} ({p99:.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=4000, help="per phase, at most")
    parser.add_argument("--seconds", type=float, default=30, help="per phase, at most")
    parser.add_argument("--interval", type=float, default=500,
                        help="ms between one client's checks while typing (default 500)")
    parser.add_argument("--no-log", action="store_true", help="run the server without the audit log")
    args = parser.parse_args()
    process, port, workdir = start_server(["--no-log"] if args.no_log else [])
    try:
        asyncio.run(main_async(args, port, process.pid))
    finally:
        process.terminate()
        process.wait(timeout=10)
        for path in sorted(workdir.glob("*"), reverse=True):
            path.unlink()
        workdir.rmdir()


if __name__ == "__main__":
    main()
