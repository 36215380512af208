import os

import pytest

from workflow_tests.realdata import REPO
from xlclust.atomic import atomic_directory, atomic_path, remove_stale_temporaries, write_text_atomic


def test_output_appears_only_on_success(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("killed")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_success_renames_with_normal_permissions(tmp_path):
    target = tmp_path / "sub" / "out.txt"
    write_text_atomic(target, "done")
    assert target.read_text() == "done"
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]


def test_a_directory_output_gets_normal_permissions_for_every_file(tmp_path):
    target = tmp_path / "model"
    with atomic_directory(target) as tmp:
        (tmp / "weights").write_bytes(b"0")
        os.chmod(tmp / "weights", 0o600)  # as safetensors leaves model.safetensors
        (tmp / "sub").mkdir()
        (tmp / "sub" / "run.sh").write_text("#!/bin/sh\n")
        os.chmod(tmp / "sub" / "run.sh", 0o700)
    mask = os.umask(0)
    os.umask(mask)
    assert (target / "weights").stat().st_mode & 0o777 == 0o666 & ~mask
    assert (target / "sub" / "run.sh").stat().st_mode & 0o777 == 0o777 & ~mask


def test_modes_follow_the_umask_without_ever_changing_it(tmp_path, monkeypatch):
    """Setting the process umask to 0 for a moment would make a file another thread creates then
    world-writable; the modes must come from the umask without touching it."""
    previous = os.umask(0o027)
    try:

        def forbidden(mask):
            raise AssertionError("os.umask called while writing an output")

        monkeypatch.setattr(os, "umask", forbidden)
        write_text_atomic(tmp_path / "out.txt", "done")
        with atomic_path(tmp_path / "replaced.bin") as tmp:  # a library that deletes and recreates its file
            tmp.unlink()
            tmp.write_bytes(b"0")
            os.chmod(tmp, 0o600)
        with atomic_directory(tmp_path / "model") as tmp:
            (tmp / "weights").write_bytes(b"0")
            os.chmod(tmp / "weights", 0o600)
        monkeypatch.undo()
    finally:
        os.umask(previous)
    assert (tmp_path / "out.txt").stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "replaced.bin").stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "model").stat().st_mode & 0o777 == 0o750
    assert (tmp_path / "model" / "weights").stat().st_mode & 0o777 == 0o640


def test_a_job_removes_what_killed_attempts_left_of_its_own_outputs_only(tmp_path):
    parts = tmp_path / "parts"
    parts.mkdir()
    stale_file = parts / ".tmp-0.parquet.k3j2.parquet"
    stale_file.write_bytes(b"half a part")
    stale_dir = parts / ".tmp-model.x1"
    stale_dir.mkdir()
    (stale_dir / "weights").write_bytes(b"0")
    others = [parts / ".tmp-10.parquet.abc.parquet", parts / "0.parquet.partial", parts / "1.parquet"]
    for other in others:
        other.write_bytes(b"keep")
    removed = remove_stale_temporaries([parts / "0.parquet", parts / "model", tmp_path / "absent" / "x.csv"])
    assert sorted(removed) == sorted([stale_file, stale_dir])
    assert not stale_file.exists() and not stale_dir.exists() and all(other.exists() for other in others)


def test_every_rule_script_starts_by_cleaning_up_its_outputs():
    scripts = sorted((REPO / "scripts").glob("*.py"))
    missing = [s.name for s in scripts if s.name != "workflow_package.py" and "\nstart_job(snakemake)\n" not in s.read_text()]
    assert len(scripts) > 40 and missing == []
