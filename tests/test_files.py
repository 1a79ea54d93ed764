"""Atomic writes: a path holds its old content, its new content, or nothing; never half of one."""

from __future__ import annotations

import errno
import os

import pytest

from drafter import files
from drafter.errors import DeliveryError
from drafter.files import TEMP_PREFIX, write_atomic


def test_text_and_bytes_are_written_whole_and_replace_what_was_there(tmp_path):
    target = tmp_path / "draft.txt"
    write_atomic(target, "Subject: Invoice INV-1 — €1.200,00\n")
    assert target.read_text(encoding="utf-8") == "Subject: Invoice INV-1 — €1.200,00\n"
    write_atomic(target, b"x" * 300_000, durable=False)
    assert target.read_bytes() == b"x" * 300_000
    assert [p.name for p in tmp_path.iterdir()] == ["draft.txt"]


def test_a_short_write_is_finished(tmp_path, monkeypatch):
    real_write = os.write
    monkeypatch.setattr(files.os, "write", lambda fd, data: real_write(fd, bytes(data[:7])))
    write_atomic(tmp_path / "a.txt", "0123456789" * 5, durable=False)
    assert (tmp_path / "a.txt").read_text() == "0123456789" * 5


def test_a_full_disk_keeps_the_old_content_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "draft.txt"
    target.write_text("old")
    real_write = os.write

    def half_then_full(fd, data):
        real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "write", half_then_full)
    with pytest.raises(DeliveryError, match=r"cannot write .*draft\.txt: No space left on device"):
        write_atomic(target, "new content")
    assert target.read_text() == "old"
    assert not list(tmp_path.glob(f"{TEMP_PREFIX}*"))


@pytest.mark.parametrize("durable", [True, False])
def test_durable_writes_reach_the_disk_before_the_rename(tmp_path, monkeypatch, durable):
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(files.os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    write_atomic(tmp_path / "a.txt", "x", durable=durable)
    assert len(synced) == (1 if durable else 0)
