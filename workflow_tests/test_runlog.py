"""A failed job's log survives the rerun: Snakemake deletes a job's log before running it again."""

import subprocess
import sys


def test_a_failed_jobs_log_is_kept_beside_it(tmp_path):
    log = tmp_path / "job.log"
    script = (
        "from xlclust.runlog import setup_logging; from xlclust.errors import XlclustError; import logging; "
        f"setup_logging({str(log)!r}); logging.info('reading the dump'); raise XlclustError('dump.bz2: truncated')"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "xlclust error: dump.bz2: truncated" in result.stderr
    [kept] = tmp_path.glob("job.log.failed-*")
    assert f"kept as {kept}" in result.stderr
    assert kept.read_text() == log.read_text() and "reading the dump" in kept.read_text() and "Traceback" in kept.read_text()
    log.unlink()  # what Snakemake does before the rerun
    assert "dump.bz2: truncated" in kept.read_text()
