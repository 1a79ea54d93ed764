"""A local OpenAI-compatible chat server for batch tests and benchmarks: it answers after a fixed
latency with a canned draft chosen by the customer name found in the request, and counts how many
requests were in flight at once. Runs uvicorn on 127.0.0.1 in a background thread."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time

import uvicorn


class FakeOpenAI:
    def __init__(self, replies: dict[str, dict[str, str]], latency: float = 0.2) -> None:
        self.replies = replies  # customer name -> {"subject": ..., "body": ...}
        self.latency = latency
        self.in_flight = 0
        self.peak = 0
        self.requests = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = _free_port()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.requests += 1
        if scope["path"] == "/stats":
            status, payload = self._answer(scope["path"], body)
            await self._send(send, status, payload)
            return
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(self.latency)
            status, payload = self._answer(scope["path"], body)
        finally:
            self.in_flight -= 1
        await self._send(send, status, payload)

    @staticmethod
    async def _send(send, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(data)).encode())]})
        await send({"type": "http.response.body", "body": data})

    def _answer(self, path: str, body: bytes) -> tuple[int, dict]:
        if path == "/stats":
            return 200, {"requests": self.requests - 1, "peak": self.peak}
        if not path.endswith("/chat/completions"):
            return 404, {"error": {"message": "not found"}}
        request = json.loads(body)
        prompt = "\n".join(str(m.get("content", "")) for m in request["messages"])
        reply = next((r for name, r in self.replies.items() if name in prompt), None)
        content = json.dumps(reply) if reply else "I cannot help with that."
        return 200, {
            "id": f"chatcmpl-{self.requests}", "object": "chat.completion", "created": int(time.time()),
            "model": request.get("model", "fake"),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": len(prompt) // 4, "completion_tokens": len(content) // 4,
                      "total_tokens": (len(prompt) + len(content)) // 4},
        }

    def __enter__(self) -> FakeOpenAI:
        config = uvicorn.Config(self, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="on", backlog=2048)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake OpenAI server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None and self._thread is not None
        self._server.should_exit = True
        self._thread.join(10)


def run_in_subprocess(replies: dict[str, dict[str, str]], latency: float, folder) -> tuple[object, str]:
    """Start the server in its own process (so it does not compete with the caller for the GIL);
    returns the process and its base URL. GET /stats on it gives the request count and the peak."""
    import subprocess
    import sys
    from pathlib import Path

    replies_file = Path(folder) / "replies.json"
    replies_file.write_text(json.dumps(replies))
    port = _free_port()
    process = subprocess.Popen([sys.executable, __file__, str(replies_file), str(latency), str(port)])
    base_url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, base_url
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("fake OpenAI server did not start") from None
            time.sleep(0.05)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def offline_replies(accounts: list[dict]) -> dict[str, dict[str, str]]:
    """For each account (as JSON data), the offline draft as the JSON a model would return."""
    from drafter.compose import draft
    from drafter.models import Account

    replies = {}
    for data in accounts:
        account = Account.model_validate(data)
        result = draft(account, backend="offline")
        replies[account.customer.name] = {"subject": result.draft.subject or "", "body": result.draft.body}
    return replies


if __name__ == "__main__":
    import sys

    replies_path, latency_text, port_text = sys.argv[1:4]
    server = FakeOpenAI(json.loads(open(replies_path).read()), latency=float(latency_text))
    server.port = int(port_text)
    uvicorn.run(server, host="127.0.0.1", port=server.port, log_level="warning", lifespan="on",
                backlog=2048)
