"""Atomic output files: write to a temporary sibling, rename into place on success.

A job killed half-way leaves only a ``.tmp-*`` file behind, never a half-written output
that a later run could mistake for a finished one.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

PREFIX = ".tmp-"


def _new_sibling(target: Path, suffix: str, create) -> Path:
    """A new temporary sibling of ``target`` made by ``create(path)``, which fails if it exists."""
    while True:
        tmp = target.parent / f"{PREFIX}{target.name}.{secrets.token_hex(6)}{suffix}"
        try:
            create(tmp)
            return tmp
        except FileExistsError:
            continue


# Created with modes 0666 and 0777, so that the kernel applies the umask as to any new file
# (mkstemp's 0600 would need a chmod, and reading the umask means changing it).
def _new_file(target: Path, suffix: str) -> Path:
    return _new_sibling(target, suffix, lambda path: os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)))


def _new_directory(target: Path) -> Path:
    return _new_sibling(target, "", lambda path: os.mkdir(path, 0o777))


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` if the block succeeds.

    The temporary name keeps ``suffix`` (e.g. ``.parquet``) for libraries that look at it.
    On error the temporary file or directory is removed and ``path`` is left untouched.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_file(target, suffix)
    usual_mode = tmp.stat().st_mode & 0o777
    try:
        yield tmp
        # a library that replaced the file may have made it 0600: give the output the usual mode
        if tmp.is_file() and not tmp.is_symlink() and tmp.stat().st_mode & 0o777 != usual_mode:
            os.chmod(tmp, usual_mode)
        os.replace(tmp, target)
    except BaseException:
        _remove(tmp)
        raise


@contextlib.contextmanager
def atomic_directory(path: str | os.PathLike) -> Iterator[Path]:
    """Yield an empty temporary directory next to ``path``; rename it onto ``path`` (which must
    not exist) if the block succeeds, remove it otherwise."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_directory(target)
    directory_mode = tmp.stat().st_mode & 0o777
    try:
        yield tmp
        # libraries that write through temporary files (safetensors) leave them 0600: give every
        # file of the output the usual permissions, so that a group can read a saved model
        for file in tmp.rglob("*"):
            if file.is_file() and not file.is_symlink():
                executable = file.stat().st_mode & 0o100
                os.chmod(file, directory_mode if executable else directory_mode & 0o666)
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def remove_stale_temporaries(outputs: Iterable[str | os.PathLike]) -> list[Path]:
    """Remove the temporary siblings that killed attempts left of these outputs; return them.

    Only a job that owns ``outputs`` may call this (Snakemake never runs two jobs for the same
    output), so whatever temporary of them exists is a leftover, never another job's work.
    """
    removed = []
    for output in outputs:
        target = Path(output)
        for leftover in sorted(target.parent.glob(glob.escape(f"{PREFIX}{target.name}.") + "*")):
            _remove(leftover)
            removed.append(leftover)
    return removed


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_csv_atomic(frame, path: str | os.PathLike) -> None:
    """Write a pandas DataFrame as CSV (no index) atomically."""
    with atomic_path(path, suffix=".csv") as tmp:
        frame.to_csv(tmp, index=False)


def save_figure_atomic(figure, path: str | os.PathLike, dpi: int = 150) -> None:
    """Save a matplotlib figure atomically and close it."""
    import matplotlib.pyplot as plt

    suffix = Path(path).suffix
    with atomic_path(path, suffix=suffix) as tmp:
        figure.savefig(tmp, dpi=dpi, bbox_inches="tight")
    plt.close(figure)
