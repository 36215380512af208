"""Logging, figures, sentence splitting, the language table and the dump writer."""

import subprocess
import sys

import pandas as pd
import pytest

from workflow_tests.realdata import REPO
from xlclust.languages import known_languages
from xlclust.plots import corpus_stats_figure, sampling_figure
from xlclust.wiki.multistream import iter_chunks
from xlclust.wiki.sentences import split_sentences
from xlclust.wiki.writer import write_multistream_dump
from xlclust.wiki.xmldump import Page, iter_pages


def test_uncaught_error_goes_to_log_and_console(tmp_path):
    log = tmp_path / "job.log"
    script = (
        "import logging; from xlclust.runlog import setup_logging; "
        f"setup_logging({str(log)!r}); logging.info('started'); "
        "from xlclust.errors import DumpError; raise DumpError('x.bz2: broken')"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 1
    assert "xlclust error: x.bz2: broken" in result.stderr and str(log) in result.stderr
    text = log.read_text()
    assert "INFO root: started" in text and "Traceback" in text and "DumpError: x.bz2: broken" in text


def test_a_jobs_prints_and_progress_go_to_its_log_one_line_per_update(tmp_path):
    """The Trainer's loss dicts (print) and tqdm bars stay out of the console that all jobs share."""
    log = tmp_path / "job.log"
    script = (
        "from xlclust.runlog import setup_logging; from tqdm import tqdm; "
        f"setup_logging({str(log)!r}); print({{'loss': '1.821', 'grad_norm': 0.5}}); "
        "[None for _ in tqdm(range(3), mininterval=0)]"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""
    raw = log.read_bytes()  # read_text would turn carriage returns into line ends itself
    assert b"{'loss': '1.821', 'grad_norm': 0.5}" in raw and b"\r" not in raw and b"3/3" in raw


def test_figures_are_written(tmp_path):
    stats = pd.DataFrame({"language": ["en", "sw"], "documents": [10, 2], "sentences": [100, 9], "tokens": [2000, 150]})
    corpus_stats_figure(stats, tmp_path / "stats.png")
    sampling = pd.DataFrame({"language": ["en", "sw"], "p_i": [0.9, 0.1], "q_i": [0.7, 0.3], "duplication_factor": [1.0, 3.2]})
    sampling_figure(sampling, 0.3, tmp_path / "sampling.png")
    for name in ("stats.png", "sampling.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_sentences_are_split_and_short_ones_dropped():
    assert split_sentences("en", "Dr. Smith came home. He slept! x", min_chars=2) == ["Dr. Smith came home.", "He slept!"]
    assert split_sentences("ru", "Он пришёл. Она ушла.") == ["Он пришёл.", "Она ушла."]


def test_language_table_covers_the_papers_languages():
    table = known_languages()
    for code in ["ar", "bn", "en", "fi", "id", "ko", "ru", "sw", "te", "da", "de", "es", "fr", "hi", "it", "yo", "he", "ja", "zh"]:
        assert code in table
    assert table["te"].script == "Telu" and table["sw"].family == "Niger-Congo/Bantu"


def test_writer_escapes_markup_and_round_trips(tmp_path):
    page = Page(id=3, ns=0, title="A & <B>", redirect=False, text="x < y & '''z''' </text> \u00e9")
    dump, index = tmp_path / "d.xml.bz2", tmp_path / "i.txt.bz2"
    write_multistream_dump([page], dump, index, dbname="xxwiki", lang="xx")
    (read,) = iter_pages(iter_chunks(dump), "d", has_root_start=True, has_root_end=True)
    assert read == page


@pytest.mark.workflow  # collects the whole suite in a second pytest (~11 s): outside the inner loop
def test_without_the_shared_data_the_suite_skips_instead_of_failing_to_collect():
    import os

    env = os.environ | {"XLCLUST_TEST_DATA": "/nonexistent/shared-data"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0 and "ERRORS" not in result.stdout, result.stdout[-3000:]
