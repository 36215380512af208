"""The GPU benchmark script runs (at small sizes on the CPU) and writes every table it promises."""

import os
import subprocess

import pandas as pd
import pytest

from workflow_tests.realdata import REPO, shared_data


@pytest.mark.workflow  # a whole script, 80-100 s here: outside the inner loop
def test_the_gpu_script_runs_its_cpu_parts(tmp_path):
    data = shared_data()  # the TyDi QA benchmark reads real GoldP questions
    env = {**os.environ, "OUT_DIR": str(tmp_path), "XLCLUST_TEST_DATA": str(data)}
    done = subprocess.run(["bash", "benchmarks/gpu.sh", "--small"], cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    search = pd.read_csv(tmp_path / "search.csv")
    faiss_rows = search[search["implementation"] == "faiss"]
    assert set(faiss_rows["agreement"].dropna()) == {1.0}  # the faiss results equal the numpy reference's
    assert {"faiss ivf", "faiss hnsw", "faiss k-means++", "faiss afk-mc2"} <= set(search["implementation"])
    clusters = pd.read_csv(tmp_path / "clusters.csv")
    assert set(clusters["pairs"]) == {"all", "pivot"} and clusters["growth_exponent"].notna().any()
    assert (pd.read_csv(tmp_path / "pretraining.csv")["tokens_per_second"] > 0).all()
    assert (pd.read_csv(tmp_path / "tydiqa.csv")["predict_questions_per_second"] > 0).all()
    lowres = pd.read_csv(tmp_path / "lowres.csv")
    assert set(lowres["step"]) == {"mining", "update"} and (lowres["source_words_per_s"].dropna() > 0).all()
    ebert = pd.read_csv(tmp_path / "ebert.csv")
    assert (ebert["sentences_per_s"] > 0).all() and (ebert["pieces_counted"] > ebert["sentences"]).all()
    tagging = pd.read_csv(tmp_path / "tagging.csv")
    assert len(tagging) == 8 and (tagging[["train_sentences_per_s", "predict_sentences_per_s"]] > 0).all().all()
    grouping = pd.read_csv(tmp_path / "grouping.csv")
    continual = grouping[grouping["step"] == "continual"].set_index(["ratio", "dim"])
    assert grouping.loc[grouping["step"] == "clsa", "pairs_per_s"].gt(0).all() and len(continual) == 4
    # Table 3's effect: fewer rows (r_G) and fewer dimensions (d) make a smaller model
    assert continual.loc[(5, 32), "parameters"] < continual.loc[(100, 32), "parameters"]
    assert continual.loc[(100, 8), "parameters"] < continual.loc[(100, 32), "parameters"]
    assert (continual["tokens_per_s"] > 0).all() and (continual["peak_rss_mb"] > 0).all()
    retrieval = pd.read_csv(tmp_path / "retrieval.csv").set_index(["step", "setting"])
    assert retrieval["per_second"].gt(0).all() and len(retrieval) == 6
    assert retrieval.loc[("search", "flat (exact)"), "recall_at_100"] == 1 and retrieval.loc[("search", "ivf"), "recall_at_100"] > 0.5


def test_measure_survives_a_command_that_logs_more_than_a_pipe_holds():
    """A command's stderr beyond 64 KiB (Snakemake logs every job there) once stopped it for good: the
    measuring loop never read the pipe. Its tail still comes back when the command fails."""
    import sys

    from benchmarks.measure import measure

    chatty = ["timeout", "60", sys.executable, "-c", "import sys; sys.stderr.write('x' * 300_000)"]  # a stopped one fails
    usage = measure(chatty)
    assert 0 < usage["wall_s"] < 60 and usage["cpu_s"] > 0
    with pytest.raises(RuntimeError, match="boom"):
        measure([sys.executable, "-c", "import sys; sys.stderr.write('x' * 100_000 + 'boom'); sys.exit(3)"])
