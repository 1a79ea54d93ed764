"""A scripted OpenAI-compatible endpoint on loopback, for tests and for recording cassettes.

Each POST gets the next `Answer` in the script: a status, headers and a JSON body, optionally after
a delay (to make the client time out), or forwarded to a real server (`forward_to`). Every request
body is kept in `requests`, so tests can look at exactly what drafter sent.
"""

from __future__ import annotations

import json
import threading
import time
import socket
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Answer:
    status: int = 200
    body: Any = None  # a dict (sent as JSON) or bytes
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    forward_to: str | None = None  # a base URL: pass the request on and relay the real answer


def completion(content: str, *, prompt_tokens: int = 0, completion_tokens: int = 0,
               finish_reason: str = "stop", model: str = "stub") -> dict[str, Any]:
    """A chat.completion body with `content` as the assistant's reply."""
    return {
        "id": "chatcmpl-stub", "object": "chat.completion", "created": 0, "model": model,
        "choices": [{"index": 0, "finish_reason": finish_reason,
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


class StubServer:
    def __init__(self, answers: list[Answer], *, repeat_last: bool = False) -> None:
        self.answers = list(answers)
        self.repeat_last = repeat_last
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> StubServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self, body: dict[str, Any]) -> Answer:
        with self._lock:
            self.requests.append(body)
            if len(self.answers) > 1 or not self.repeat_last:
                if not self.answers:
                    return Answer(500, {"error": {"message": "the stub has no more answers"}})
                return self.answers.pop(0)
            return self.answers[0]

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                answer = stub._next(json.loads(raw or b"{}"))
                if answer.delay:
                    time.sleep(answer.delay)
                status, headers, payload = answer.status, dict(answer.headers), answer.body
                if answer.forward_to:
                    status, headers, payload = _forward(answer.forward_to + self.path.removeprefix("/v1"),
                                                        raw)
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test)

        return Handler


def _forward(url: str, raw: bytes) -> tuple[int, dict[str, str], bytes]:
    """POST `raw` to `url` over a plain socket: below the HTTP libraries that vcrpy patches, so a
    recording holds only the client's side of the conversation, never this proxy's."""
    parts = urllib.parse.urlsplit(url)
    head = (f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(raw)}\r\nConnection: close\r\n\r\n").encode()
    with socket.create_connection((parts.hostname, parts.port or 80), timeout=600) as conn:
        conn.sendall(head + raw)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    header, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    if headers.get("transfer-encoding", headers.get("Transfer-Encoding", "")).lower() == "chunked":
        body = _unchunk(body)
    return int(lines[0].split()[1]), {}, body


def _unchunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out, data = out + data[:size], data[size + 2:]
    return out
