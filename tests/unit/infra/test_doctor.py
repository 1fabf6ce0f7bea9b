"""``make doctor`` names a missing prerequisite with its fix and fails; all present passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra import doctor


def _sdk(tmp_path: Path, *, firestore: bool) -> Path:
    platform = tmp_path / "platform"
    (platform / "pubsub-emulator" / "lib").mkdir(parents=True, exist_ok=True)
    (platform / "pubsub-emulator" / "lib" / "cloud-pubsub-emulator-0.8.jar").touch()
    if firestore:
        (platform / "cloud-firestore-emulator").mkdir(exist_ok=True)
        (platform / "cloud-firestore-emulator" / "cloud-firestore-emulator.jar").touch()
    return tmp_path


def test_a_missing_firestore_emulator_is_named_and_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(doctor, "_sdk_root", lambda: _sdk(tmp_path, firestore=False))
    monkeypatch.setattr(doctor, "_node_major", lambda: 20)
    assert doctor.main() == 1
    out = capsys.readouterr().out
    line = next(row for row in out.splitlines() if "Firestore emulator" in row)
    assert line.startswith("MISSING") and "cloud-firestore-emulator" in line


def test_everything_present_passes_and_an_old_python_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(doctor, "_sdk_root", lambda: _sdk(tmp_path, firestore=True))
    monkeypatch.setattr(doctor, "_node_major", lambda: 20)
    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    assert all(c.ok for c in doctor.checks((3, 11)))
    old = {c.name: c.ok for c in doctor.checks((3, 9))}
    assert old["Python 3.11+"] is False
