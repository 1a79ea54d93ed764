"""Cold start of a drafter command, measured the same way for every benchmark.

The command and a bare interpreter run alternately with the interpreter running the benchmark (never
a PATH lookup), so both share the machine's load; the difference is drafter's own share. drafter's
modules are byte-compiled first, as `pip install` does: with PYTHONDONTWRITEBYTECODE set and no
cached bytecode, every run would compile them again. A last run reports which heavy modules the
command imported (none of them should be)."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

HEAVY = ("openai", "fastapi", "uvicorn", "jinja2", "httpx", "rich")
_QUIET_ENV = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DRAFTER_MODEL")  # so `auto` stays offline


@dataclass
class ColdStart:
    runs: int
    wall_ms: float
    cpu_ms: float
    bare_wall_ms: float
    bare_cpu_ms: float
    heavy: list[str]

    def report(self, name: str, target_ms: int) -> str:
        return (f"cold start of `{name}`, median of {self.runs}: {self.wall_ms:.0f} ms wall, "
                f"{self.cpu_ms:.0f} ms CPU (target < {target_ms} ms)\n"
                f"  bare interpreter (python -c pass): {self.bare_wall_ms:.0f} ms wall, {self.bare_cpu_ms:.0f} ms CPU; "
                f"drafter's own share: {self.wall_ms - self.bare_wall_ms:.0f} ms wall, "
                f"{self.cpu_ms - self.bare_cpu_ms:.0f} ms CPU\n"
                f"  heavy modules imported: {', '.join(self.heavy) or 'none'}")


def measure(args: list[str], runs: int) -> ColdStart:
    """Medians over `runs` fresh processes of `drafter ARGS...` and of a bare interpreter."""
    env = {k: v for k, v in os.environ.items() if k not in _QUIET_ENV}
    command = [sys.executable, "-m", "drafter", *args]
    bare = [sys.executable, "-c", "pass"]
    subprocess.run(command, capture_output=True, env={k: v for k, v in env.items()
                                                      if k != "PYTHONDONTWRITEBYTECODE"})
    samples: dict[str, list[tuple[float, float]]] = {"command": [], "bare": []}
    for _ in range(runs):
        samples["command"].append(_timed(command, env))
        samples["bare"].append(_timed(bare, env))
    (wall, cpu), (bare_wall, bare_cpu) = (_medians(samples[k]) for k in ("command", "bare"))
    return ColdStart(runs, wall, cpu, bare_wall, bare_cpu, _heavy_imports(args, env))


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall * 1000, (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000


def _medians(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(w for w, _ in samples), statistics.median(c for _, c in samples)


def _heavy_imports(args: list[str], env: dict[str, str]) -> list[str]:
    probe = ("import json, sys; from drafter.cli import cli\n"
             "try:\n    cli(sys.argv[1:], prog_name='drafter')\nexcept SystemExit:\n    pass\n"
             f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])
