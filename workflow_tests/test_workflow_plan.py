"""The paper configuration plans the whole corpus stage for the nine languages, quickly, and
the workflow passes Snakemake's linter."""

import re
import subprocess
import sys
import time

import pytest

from workflow_tests.commands import fresh_clone, run_snakemake
from workflow_tests.realdata import REPO

pytestmark = pytest.mark.workflow
LANGUAGES = ["ar", "bn", "en", "fi", "id", "ko", "ru", "sw", "te"]


def snakemake(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "--directory", str(cwd), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )


def test_paper_config_plans_the_corpus_stage_for_nine_languages(tmp_path):
    started = time.monotonic()
    result = snakemake("-n", "--quiet", "rules", "all", cwd=tmp_path)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-3000:]
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", result.stdout, re.M))
    # ICEBERT's nine Wikipedias, the seven more that the low-resource system mines (bn and sw are in
    # both) and the semantic-grouping pipelines' continual pretraining's 28 (ICEBERT's nine among them):
    # 35 in all, 28 of them packed for pretraining (ICEBERT's mix samples its nine, the other mix all 28)
    assert counts["download_wikipedia"] == "35" and counts["gather_wikipedia"] == "35"
    assert counts["plan_extraction"] == "35"
    assert counts["pack_corpus"] == "28" and counts["corpus_stats"] == "1" and counts["sample_corpus"] == "1"
    assert counts["continual_corpus"] == "1"
    # 64 en + 24 ru + 8 ar + 4 fi + 4 id + 4 ko + 2 each for the 29 others
    assert counts["extract_wikipedia"] == str(64 + 24 + 8 + 4 + 4 + 4 + 2 * 29)
    assert counts["subword_vocab"] == "9" and counts["joint_vocabulary"] == "1"
    assert counts["seed_dictionary"] == "8" and counts["align_embeddings"] == "9" and counts["evaluate_bli"] == "1"
    # "Tomato, Tomahto, Tomate" on mBERT (§4.3), each figure's pipelines (config.yaml's grouping.pipelines).
    # CLSA: mBERT with each of the 4 pair sets (Figs. 4, 11), at d = 128 and 32 (Fig. 5), and Fig. 7's
    # three other backbones; the pair sets' files once each (muse also the translation check)
    assert counts["clsa"] == str(4 + 2 + 3) and counts["clsa_pairs"] == "4" and counts["roundtrip_pairs"] == "1"
    # grouped models: SG and First-k (8), CLSA + SG (4), at d = 128 and 32 (8), Fig. 11's other pair
    # sets at 5 % (3), L2 k-means (4), Fig. 7's other backbones with CLSA (3 × 4), XLM-R's grid (8)
    assert counts["grouped_model"] == str(8 + 4 + 8 + 3 + 4 + 12 + 8)
    assert counts["grouping_translations"] == str(8 + 4 + 4 + 12)  # every pipeline that ends in a grouping
    # reductions to 128, 32, 8, 2; continual pretraining: the reference, after SG and First-k (8), after
    # CLSA + SG at d = 768, 128 and 32 (12), DR alone (4), Fig. 11's other pair sets (3); one encoding
    # of the mix (mBERT's), mapped for the 23 grouped ones
    assert counts["reduce_dims"] == "4" and counts["continual_pretrain"] == str(1 + 8 + 12 + 4 + 3)
    assert counts["continual_encoded"] == "1" and counts["continual_grouped_encoding"] == str(8 + 12 + 3)
    assert counts["grouping_inspection"] == "4"  # Fig. 8: the CLSA groupings at every ratio
    assert elapsed < 60


def test_paper_config_plans_the_semantic_grouping_evaluation_grid(tmp_path):
    """`snakemake results/grouping_eval_scores.csv`: mBERT itself, the reference and every pipeline of
    the figures (61 models), each fine-tuned once per task on all its languages' training data (App. A),
    and Fig. 9's five (the reference, CLSA + SG + CPT at the four ratios) also on English alone (one seed)."""
    result = snakemake("results/grouping_eval_scores.csv", "-n", "--quiet", "rules", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", result.stdout, re.M))
    # mBERT, the reference, SG and First-k with and without CPT (16), CLSA + SG with and without CPT (8),
    # at d = 128 and 32 (8), DR alone (4), Fig. 11's other pair sets (3), L2 k-means (4), Fig. 7 (4 + 12)
    models = 1 + 1 + 16 + 8 + 8 + 4 + 3 + 4 + 16
    zero_shot = 1 + 4
    assert counts["eval_ner"] == str(models) and counts["eval_xnli"] == str(models + zero_shot)  # MasakhaNER: no English
    assert counts["masakhaner_data"] == "10" and counts["xnli_data"] == "15" and counts["grouping_eval_scores"] == "1"
    assert counts["eval_tydiqa"] == str(models + zero_shot) and counts["tydiqa_eval_train"] == "2"  # all training data; English
    # MIRACL: 16 training languages' examples (each read by the `all` runs), 18 corpora (de, yo: evaluation only)
    assert counts["eval_miracl_retrieval"] == counts["eval_miracl_reranking"] == str(models + zero_shot)
    assert counts["miracl_data"] == counts["miracl_bm25"] == "18" and counts["miracl_train"] == "16"
    assert counts["continual_pretrain"] == "28" and counts["clsa"] == "9"


def test_fig7_backbones_are_configured_options(tmp_path):
    """XLM-R large and XLM-V (Fig. 7) plan like the default backbones, by their names in `models`."""
    targets = ["results/grouping/xlmv/kmeans10/model", "results/grouping/xlmr_large/clsa-all/firstk5/model"]
    result = snakemake(*targets, "-n", "--quiet", "rules", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", result.stdout, re.M))
    assert counts["pipeline_embeddings"] == "2" and counts["clsa"] == "1" and counts["grouped_model"] == "2"
    # unpinned models are named when a stage reads them: XLM (tagging) by default; XLM-V once a backbone
    plain = snakemake(*targets, "-n", cwd=tmp_path)
    assert plain.returncode == 0 and "for xlm: read at the Hub's current main" in plain.stdout + plain.stderr
    chosen = snakemake(*targets, "-n", "--config", 'grouping={"backbones": ["mbert", "xlmv"]}', cwd=tmp_path)
    assert chosen.returncode == 0 and "for xlmv, xlm: read at the Hub's current main" in chosen.stdout + chosen.stderr
    unknown = snakemake("results/grouping/xlmv_large/kmeans10/model", "-n", cwd=tmp_path)
    assert unknown.returncode != 0 and "'xlmv_large' is no model under config key 'models'" in unknown.stderr + unknown.stdout


def test_the_slurm_profile_plans_the_whole_paper_config(tmp_path):
    """`snakemake --profile slurm all`, from a fresh clone's root: every stage of the paper config is
    planned for SLURM (the NER runs join once the languages are clustered: a checkpoint), GPU rules on
    the GPU partition, CPU rules on the CPU partition."""
    clone = fresh_clone(tmp_path)
    result = run_snakemake(["--profile", "slurm", "all", "-n"], clone)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", result.stdout, re.M))
    assert counts["pretrain"] == "2" and counts["finetune_tydiqa"] == str(2 * 5 + 3)  # 2 small models × 5 seeds, mBERT × 3
    # WikiAnn: Shaffer's 15 languages and the low-resource system's eight others
    assert counts["predict_tydiqa"] == "13" and counts["wikiann_data"] == "23" and counts["embed_sentences"] == "3"
    assert counts["sentence_corpus"] == "1" and counts["encode_corpus"] == "2"  # the small models' own corpus
    assert counts["ner_groups"] == "1" and counts["wikiann_ner_scores"] == "1"
    pretrain, extract = planned_job(result.stdout, "pretrain"), planned_job(result.stdout, "extract_wikipedia")
    assert "slurm_partition=gpu" in pretrain and "gpu=1" in pretrain and "cpus_per_gpu=8" in pretrain
    assert "slurm_partition=cpu" in extract and "gpu=" not in extract
    jobs = [block for block in result.stdout.split("\n\n") if re.search(r"^rule \w+:", block, re.M) and "resources:" in block]
    gpu_jobs_elsewhere = {
        re.search(r"^rule (\w+):", job, re.M)[1] for job in jobs if re.search(r"\bgpu=1\b", job) and "slurm_partition=gpu" not in job
    }
    assert gpu_jobs_elsewhere == set()  # every rule that asks for a GPU goes to the GPU partition


def test_paper_config_plans_word_retrieval_and_zero_shot_ner_for_the_nine_languages(tmp_path):
    """Hangya et al. (2022)'s nine languages: mined and supervised layers for each, every method
    scored on retrieval and NER, through the two tables' own commands."""
    result = snakemake("results/word_retrieval_scores.csv", "results/lowres_ner_scores.csv", "-n", "--quiet", "rules", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", result.stdout, re.M))
    assert counts["lowres_sentences"] == "10" and counts["parallel_corpus"] == "9"  # English mined too
    # base, mined, mined_intersection, linear_sup, full_sup and vecmap_id for each language; vecmap_sup
    # for the three with a MUSE dictionary and Basque (PanLex's Swadesh lists), eBERT for the five in Indic scripts; and on eBERT (Tables 2,
    # 3 and 5's eBERT_* rows) for those five: ebert_mined, ebert_mined_intersection, ebert_linear_sup,
    # ebert_full_sup, ebert_vecmap_id, and ebert_vecmap_sup for the one with a dictionary too (bn)
    assert counts["alignment_layers"] == str(3 * 9 + 3 * 5) and counts["full_sup_model"] == str(9 + 5)
    assert counts["vecmap_layers"] == str(9 + 4 + 5 + 1)
    assert (
        counts["lowres_ner"] == str(6 * 9 + 4 + 5 + 5 * 5 + 1) and counts["word_retrieval"] == "9"
    )  # retrieval: every method in one job per language
    for rule in ("ebert_corpus", "ebert_vocabulary", "ebert_encoded", "ebert_model"):
        assert counts[rule] == "5"
    assert counts["wikiann_data"] == "10" and counts["word_retrieval_scores"] == "1" and counts["lowres_ner_scores"] == "1"


def planned_job(dry_run: str, rule: str) -> str:
    """The first planned job of ``rule``, up to the end of its block (the jobs come in no fixed order)."""
    start = dry_run.index(f"rule {rule}:")
    return dry_run[start : dry_run.index("\n\n", start)]


def test_lint_is_clean(tmp_path):
    result = snakemake("--lint", cwd=REPO)
    assert "Congratulations, your workflow is in a good condition!" in result.stdout + result.stderr, result.stdout[-3000:]


def test_paper_config_plans_the_tagging_comparison(tmp_path):
    """van der Heijden et al.'s grid: eight embedders (mBERT and XLM fine-tuned) × NER and POS × zero-shot, three monolingual and
    two joint trainings × three seeds; Hungarian and Basque NER evaluated only; German (licensed, its
    files absent here) left out and listed."""
    result = snakemake("results/tagging_scores.csv", "-n", "--quiet", "rules", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", result.stdout, re.M))
    assert counts["train_tagger"] == str(2 * 8 * (1 + 3 + 2) * 3) and counts["tagging_data"] == str(5 + 3)
    # MUSE's vectors for en, es, nl and hu: none for Basque (Table 2 note 2), German's files absent
    assert counts["muse_vectors"] == "4" and counts["laser_encoder"] == "1" and counts["tagging_scores"] == "1"


def test_aligned_muse_vectors_are_read_from_the_alignment_stage(tmp_path):
    """tagging.muse: aligned plans each language's vectors from its mapped BPEmb space."""
    override = tmp_path / "aligned.yaml"
    override.write_text("tagging:\n  muse: {en: aligned, qcy: aligned, qgr: aligned}\n", encoding="utf-8")
    result = snakemake(
        "results/tagging/vectors/qcy.parquet", "-n", "--configfile", str(REPO / "demo/config.yaml"), str(override), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr[-3000:]
    job = result.stdout[result.stdout.index("rule muse_vectors:") :]
    assert "results/alignment/qcy/mapped.npy" in job and "results/vocab/qcy/pieces.parquet" in job
