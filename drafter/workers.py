"""Worker processes for CPU-bound work, which Python threads cannot spread over several cores.

    with Workers(2, work) as workers:           # forks 2 processes; each runs work(item) on request
        for index, result in workers.map(items):  # results as they come back, in any order
            ...

Workers are forked, so they start at once and share everything the parent had already loaded
(policy packs, compiled templates, the items themselves): only what `work` takes and returns crosses
between processes. Where the system cannot fork, `can_fork()` is False and callers run in process.
The parent's objects are frozen for the garbage collector while workers run (`gc.freeze`), so that
neither the workers' collections nor the parent's scan them again and again (in a worker, that would
also copy every page it touched).

A worker never outlives the run: leaving the `with` block (normally, on an error or on Ctrl-C) lets
each worker finish the item it is on and then stop; a parent that is killed outright takes its
workers with it (Linux), or they stop after their current item (elsewhere). Ctrl-C reaches the
parent only, so it is reported once.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

from .errors import DrafterError

__all__ = ["Workers", "can_fork", "default_jobs"]

_AHEAD = 2  # items handed to each worker at once, so it never waits for the parent between two
_STOP_TIMEOUT = 30.0  # seconds a worker may take to finish its current item before it is killed


def can_fork() -> bool:
    """Whether this process can start workers: the system forks, and it is no daemon process
    (those may not have children)."""
    return "fork" in multiprocessing.get_all_start_methods() and \
        not multiprocessing.current_process().daemon


def default_jobs() -> int:
    """The number of CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


class Workers:
    """`count` forked processes that run `work(item)`; see the module's docstring."""

    def __init__(self, count: int, work: Callable[[Any], Any]) -> None:
        context = multiprocessing.get_context("fork")
        self._processes: list[multiprocessing.process.BaseProcess] = []
        self._connections: list[Connection] = []
        self._froze = gc.get_freeze_count() == 0  # else someone else froze: leave it as it is
        if self._froze:
            gc.freeze()
        held = _hold_interrupts()
        try:
            for _ in range(count):
                ours, theirs = context.Pipe()
                process = context.Process(target=_serve, daemon=True, args=(
                    theirs, work, [*self._connections, ours], os.getpid(), held))
                process.start()
                theirs.close()
                self._processes.append(process)
                self._connections.append(ours)
        except BaseException:
            self.close()
            raise
        finally:
            _release_interrupts(held)

    def map(self, items: Iterable[Any]) -> Iterator[tuple[int, Any]]:
        """(index, work(item)) for every item, in the order they finish. An exception `work`
        raised in a worker is raised here; so is DrafterError when a worker dies."""
        queue = list(enumerate(items))
        queue.reverse()
        outstanding = {connection: 0 for connection in self._connections}

        def hand_out(connection: Connection) -> None:
            while queue and outstanding[connection] < _AHEAD:
                connection.send(queue.pop())
                outstanding[connection] += 1

        for connection in self._connections:
            hand_out(connection)
        while any(outstanding.values()):
            for connection in wait([c for c, n in outstanding.items() if n]):
                index, failed, value = self._receive(connection)
                outstanding[connection] -= 1
                if failed:
                    raise value
                hand_out(connection)
                yield index, value

    def _receive(self, connection: Connection) -> tuple[int, bool, Any]:
        try:
            return connection.recv()
        except (EOFError, OSError):
            process = self._processes[self._connections.index(connection)]
            process.join(1)
            raise DrafterError(f"a worker process stopped unexpectedly (exit code {process.exitcode})") \
                from None

    def close(self) -> None:
        """Let every worker finish its current item, then stop it (killing one that takes too long)."""
        for connection in self._connections:
            # a worker then stops: at once if it waits for work, else when it sends its result back
            connection.close()
        for process in self._processes:
            process.join(_STOP_TIMEOUT)
            if process.exitcode is None:
                process.kill()
                process.join()
        self._connections, self._processes = [], []
        if self._froze:
            gc.unfreeze()
            self._froze = False

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve(connection: Connection, work: Callable[[Any], Any], parent_ends: list[Connection],
           parent: int, held: bool) -> None:
    """A worker's loop: take an item, send back its result, until the parent closes the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _release_interrupts(held)
    for end in parent_ends:  # else the parent's death would not close this worker's pipe
        end.close()
    _die_with(parent)
    while True:
        try:
            index, item = connection.recv()
        except (EOFError, OSError):
            return
        try:
            reply = (index, False, work(item))
        except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it
            reply = (index, True, exc)
        try:
            connection.send(reply)
        except OSError:  # the parent stopped listening
            return
        except Exception as exc:  # noqa: BLE001 - what was to be sent does not pickle: say why
            problem = reply[2] if reply[1] else exc
            connection.send((index, True, DrafterError("".join(traceback.format_exception(problem)))))


def _die_with(parent: int) -> None:
    """Ask Linux to kill this process when the parent dies; stop now if it already has."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the closed pipe stops this worker after its current item
    if os.getppid() != parent:
        os._exit(0)


def _hold_interrupts() -> bool:
    """Hold back Ctrl-C while forking, so that a new worker ignores it before one can arrive.
    True if it was held back already."""
    if not hasattr(signal, "pthread_sigmask"):
        return True
    return signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def _release_interrupts(held_before: bool) -> None:
    if not held_before:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
