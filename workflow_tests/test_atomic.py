import os

import pytest

from xlclust.atomic import atomic_directory, atomic_path, write_text_atomic


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
