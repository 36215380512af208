"""Atomic output files: write to a temporary sibling, rename into place on success.

A job killed half-way leaves only a ``.tmp-*`` file behind, never a half-written output
that a later run could mistake for a finished one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` if the block succeeds.

    The temporary name keeps ``suffix`` (e.g. ``.parquet``) for libraries that look at it.
    On error the temporary file or directory is removed and ``path`` is left untouched.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".tmp-{target.name}.", suffix=suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp makes 0600: give the output the usual permissions, unless it is a hard link to
        # someone else's file (a linked local dump), whose mode is not ours to change
        if tmp.is_file() and tmp.stat().st_nlink == 1:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_directory(path: str | os.PathLike) -> Iterator[Path]:
    """Yield an empty temporary directory next to ``path``; rename it onto ``path`` (which must
    not exist) if the block succeeds, remove it otherwise."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{target.name}.", dir=target.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())
        # libraries that write through temporary files (safetensors) leave them 0600: give every
        # file of the output the usual permissions, so that a group can read a saved model
        for file in tmp.rglob("*"):
            if file.is_file() and not file.is_symlink() and file.stat().st_nlink == 1:
                os.chmod(file, (0o777 if file.stat().st_mode & 0o100 else 0o666) & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


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
