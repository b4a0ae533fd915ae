"""The local stack's clock can be moved forward for every process at once; other stages ignore it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from chalicelib import runtime


def test_the_local_stack_clock_adds_the_offset_in_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    offset = tmp_path / "clock-offset"
    offset.write_text("5400")
    monkeypatch.setenv("PARLEY_STAGE", "local")
    monkeypatch.setenv("PARLEY_CLOCK_OFFSET_FILE", str(offset))
    runtime.reset()
    assert runtime.now() - datetime.now(UTC) > timedelta(minutes=89)


def test_a_deployed_stage_never_reads_an_offset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    offset = tmp_path / "clock-offset"
    offset.write_text("5400")
    monkeypatch.setenv("PARLEY_STAGE", "prod")
    monkeypatch.setenv("PARLEY_CLOCK_OFFSET_FILE", str(offset))
    runtime.reset()
    assert abs(runtime.now() - datetime.now(UTC)) < timedelta(seconds=5)
