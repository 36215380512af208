"""The corpus stage through Snakemake on real text of several scripts, each dump reached by
another route: the default mirror (a local HTTP server laid out like dumps.wikimedia.org), a
file:// URL, a local path with a literal sha1, and the raw single-stream enwiki sample from the
gensim wheel with no index at all."""

import json
import shutil

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from workflow_tests.httpmirror import serve
from workflow_tests.realdata import TYDIQA_FILES, real_paragraphs, shared_data, write_real_dump
from workflow_tests.snakemake_runner import output_of, run_workflow
from xlclust.demo.tiny_model import build_tiny_model, build_tiny_xlmr
from xlclust.demo.world import gensim_enwiki_sample
from xlclust.wiki.download import sha1_of

pytestmark = pytest.mark.workflow
DATE = "20990101"
XLING = "dictionaries/xling-eval/en-ru/yacle.{split}.en-ru.tsv"


def mirror_layout(root, lang, n_articles):
    """Write a real-text dump where a mirror keeps it: {lang}wiki/{date}/{lang}wiki-{date}-*."""
    return write_real_dump(root / f"{lang}wiki" / DATE, lang, n_articles=n_articles, pages_per_stream=4)


def test_corpus_stage_on_real_text(tmp_path):
    mirror = tmp_path / "mirror"
    for lang, n in (("ru", 150), ("sw", 30)):
        mirror_layout(mirror, lang, n)
    ar = write_real_dump(tmp_path / "local" / "ar", "ar", n_articles=150)
    ko = write_real_dump(tmp_path / "local" / "ko", "ko", n_articles=25)
    enwiki = tmp_path / "local" / "enwiki-sample.xml.bz2"
    shutil.copy(gensim_enwiki_sample(), enwiki)
    # a masked-LM model directory to group, as from_pretrained finds one on disk: random weights,
    # a WordPiece tokenizer trained on real text of the five languages
    model_dir = tmp_path / "local" / "mini-bert"
    texts = [text for lang in ("ar", "en", "ko", "ru", "sw") for _, text in real_paragraphs(lang, 60)]
    build_tiny_model(texts, model_dir, vocab_size=4000, hidden_size=24, layers=1, heads=2, max_positions=64, seed=3)
    # the real GoldP files, one English training answer moved off its answer_start
    train = json.loads((shared_data() / "tydiqa-goldp-v1.1/train/english.json").read_text(encoding="utf-8"))
    shifted = train["data"][0]["paragraphs"][0]["qas"][0]
    shifted["answers"][0]["answer_start"] += 1
    (tmp_path / "local" / "tydiqa-en-train.json").write_text(json.dumps(train), encoding="utf-8")
    goldp = shared_data() / "tydiqa-goldp-v1.1/dev"
    # an XLM-R-shaped model for language clustering and NER, its tokenizer learnt on Leipzig sentences
    xlmr_dir = tmp_path / "local" / "mini-xlmr"
    ner_languages = ["de", "en", "es", "fr", "nl"]
    texts = [
        line
        for lang in ner_languages
        for line in (shared_data() / f"leipzig-sentences/{lang}.txt").read_text(encoding="utf-8").splitlines()
    ]
    build_tiny_xlmr(texts, xlmr_dir, vocab_size=4000, hidden_size=32, layers=1, heads=2, max_positions=130, seed=3)
    wikiann = {
        lang: {"format": "rahimi", **{split: str(shared_data() / f"wikiann/{lang}/{split}") for split in ("train", "dev", "test")}}
        for lang in ("de", "en", "fr")
    }
    # Swahili NER for zero-shot transfer from English (lowres): MasakhaNER's real files, DATE read as O
    masakhaner = shared_data() / "masakhaner/swa"
    wikiann["sw"] = {
        "format": "conll",
        **{split: str(masakhaner / f"{split}.txt") for split in ("train", "dev", "test")},
        "drop_classes": ["DATE"],
    }
    conll = shared_data() / "conll2002"
    for lang, prefix in (("es", "esp"), ("nl", "ned")):  # CoNLL-2002 columns, MISC read as O beside WikiAnn
        wikiann[lang] = {
            "format": "conll",
            "train": f"file://{conll}/{prefix}.train",
            "dev": str(conll / f"{prefix}.testa"),
            "test": str(conll / f"{prefix}.testb"),
            "drop_classes": ["MISC"],
        }
    with serve(mirror) as server:
        config = {
            "languages": ["ar", "en", "ko", "ru", "sw"],
            "pivot": "en",
            "seed": 7,
            "wikipedia": {
                "dump_date": DATE,
                "mirror": server.url,
                "parts": {"default": 1, "en": 2, "ru": 3, "ar": 2, "ko": 1, "sw": 1},
                "sources": {
                    "ar": {
                        "dump": f"file://{ar['dump']}",
                        "multistream_index": f"file://{ar['multistream_index']}",
                        "checksums": str(ar["checksums"]),
                    },
                    "ko": {"dump": str(ko["dump"]), "multistream_index": str(ko["multistream_index"]), "sha1": sha1_of(ko["dump"])},
                    "en": {"dump": str(enwiki)},
                },
            },
            "sampling": {"max_line_tokens": 64, "shuffle_bucket_mb": 0.05},
            "vocabulary": {"source": {"default": "train"}, "size": 3000, "dim": 16, "train": {"epochs": 2, "character_coverage": 0.9995}},
            "dictionaries": {
                "ar": {
                    "format": "muse",
                    "pivot_first": False,
                    "full": str(shared_data() / "dictionaries/muse/ar-en.txt"),
                    "train_words": 2000,
                    "test_words": 3000,
                },
                "ru": {
                    "format": "xling",
                    "pivot_first": True,
                    "train": str(shared_data() / XLING.format(split="train.freq.5k")),
                    "test": str(shared_data() / XLING.format(split="test.freq.2k")),
                },
                "ko": {"unsupervised": "numerals"},
                "sw": {"unsupervised": "identical"},
            },
            "alignment": {"self_learning": "procb", "most_frequent": 1000, "rounds": 1},
            "partition": {"parts": 800},
            "models": {"mini": {"path": str(model_dir)}, "minixlmr": {"path": str(xlmr_dir)}},
            "grouping": {"ratios": [10, 40], "embeddings": ["vocabulary", "mini"]},
            "pretraining": {
                "tokenizers": ["icebert", "baseline", "kmeans40"],
                "sizes": ["mini"],
                "baseline": {"sentences": 2000, "model_type": "bpe", "character_coverage": 0.9995},
                "encode": {"shard_lines": 500},
                "launcher": "auto",
                "checkpoint_dir": "checkpoints/pretrain",
                "models": {
                    "mini": {
                        "corpus": {"sentences_per_language": 60},  # its own corpus, as ICEBERT's small models
                        "architecture": {"num_hidden_layers": 1, "hidden_size": 32, "intermediate_size": 64, "num_attention_heads": 2},
                        "training": {
                            "learning_rate": 5e-3,
                            "batch_size": 16,
                            "max_steps": 40,
                            "max_length": 64,
                            "warmup_steps": 5,
                            "checkpoint_every": 20,
                            "log_every": 5,
                        },
                    }
                },
            },
            "tydiqa": {
                "dataset": {
                    "source": "files",
                    "files": {
                        "train": {"en": str(tmp_path / "local" / "tydiqa-en-train.json")},
                        "dev": {lang: f"file://{goldp}/{TYDIQA_FILES[lang]}.json" for lang in ("ar", "ru")},
                    },
                },
                "languages": ["ar", "ru"],  # zero-shot only: two scripts, neither Latin
                "limit": {"train": 160, "dev": 30},
                "reference_models": ["mini"],  # a Hugging Face model directory beside the workflow's own
                "seeds": {"default": [1], "base": [1, 2]},  # the reference model's rows are labelled base
                "features": {"max_length": 64, "doc_stride": 24, "max_query_length": 16},
                "training": {"learning_rate": 5e-3, "batch_size": 16, "epochs": 1, "checkpoint_every": 10},
                "checkpoint_dir": "checkpoints/tydiqa",
            },
            "wikiann": {
                "languages": ner_languages,
                "classes": ["LOC", "ORG", "PER"],
                "families": {"de": "Germanic", "en": "Germanic", "nl": "Germanic", "es": "Romance", "fr": "Romance"},
                "dataset": {"source": "files", "files": wikiann},
                "limit": {"train": 300, "dev": 100, "test": 100},
            },
            "langclust": {
                "model": "minixlmr",
                "representations": ["finetuned_cls", "pretrained_max"],
                "ks": [2, 3],
                "k": 2,
                "langid": {
                    "eval_sentences_per_language": 100,
                    "max_length": 64,
                    "training": {"learning_rate": 3e-3, "batch_size": 20, "epochs": 1},
                },
                "embedding": {"sentences_per_language": 60, "max_length": 64},
                "projection": {"sentences_per_language": 40, "perplexity": 10},
            },
            "ner": {
                "model": "minixlmr",
                "schemes": ["cluster", "family"],
                "cluster_representation": "finetuned_cls",
                "zero_shot": {"held_out": ["nl"]},
                "seeds": [1],
                "max_length": 128,
                # Table 5 on the real CoNLL-2003 English files (IOB1 leftovers repaired, MISC read as O)
                "generalization": {
                    "name": "conll2003",
                    "language": "en",
                    "trainings": ["corpus", "both", "cluster"],
                    "dataset": {
                        "source": "files",
                        "drop_classes": ["MISC"],
                        "files": {
                            "format": "conll",
                            **{
                                split: str(shared_data() / f"conll2003/{name}.txt")
                                for split, name in (("train", "train"), ("dev", "dev"), ("test", "test"))
                            },
                        },
                    },
                },
                "training": {"learning_rate": 2e-3, "batch_size": 20, "epochs": 2},
            },
            # word-pair mining for Swahili: its real Wikipedia text above, the real Tatoeba swh-eng pairs aligned
            # by eflomal, zero-shot NER on MasakhaNER
            "lowres": {
                "languages": ["sw"],
                "model": "mini",
                "methods": ["base", "mined", "linear_sup", "full_sup", "vecmap_id"],
                "sentences_per_language": 300,
                "mining": {"sentences_per_iteration": 100},
                "update": {"steps": 20, "warmup_steps": 2, "learning_rate": 1e-3, "checkpoint_every": 10, "log_every": 5},
                "parallel": {
                    "sw": {
                        "english": f"file://{shared_data() / 'tatoeba/tatoeba.swh-eng.eng'}",
                        "other": str(shared_data() / "tatoeba/tatoeba.swh-eng.swh"),
                    }
                },
                "retrieval": {"test_pairs": 150, "dev_pairs": 50},
                "vecmap": {"words": 500, "sentences_per_word": 5},
                "ner": {"learning_rate": 1e-2, "warmup_steps": 10, "max_steps": 100, "evaluate_every": 20},
            },
            # the tagging comparison on real files: English CoNLL-2003 NER, zero-shot to Dutch CoNLL-2002,
            # over a LASER-style encoder pretrained here on the real Tatoeba swh-eng pairs
            "tagging": {
                "embedders": ["bpe_bow", "laser_top"],
                "tasks": ["ner"],
                "languages": ["en"],
                "evaluation_only": {"ner": ["nl"]},
                "optional": [],
                "scenarios": ["zeroshot"],
                "seeds": [1],
                "confusion": {"language": "nl", "embedders": ["bpe_bow", "laser_top"], "scenario": "zeroshot"},
                "limit": {"train": 300, "dev": 100, "test": 200},
                "data": {
                    "en": {
                        "ner": {
                            "source": "files",
                            "files": {
                                "format": "conll",
                                **{split: str(shared_data() / f"conll2003/{split}.txt") for split in ("train", "dev", "test")},
                            },
                        }
                    },
                    "nl": {
                        "ner": {
                            "source": "files",
                            "files": {
                                "format": "conll",
                                **{split: str(shared_data() / "conll2002/ned.testb") for split in ("train", "dev", "test")},
                            },
                        }
                    },
                },
                "laser": {
                    "source": "pretrain",
                    "pretrain": {
                        "parallel": {
                            "sw": {
                                "english": str(shared_data() / "tatoeba/tatoeba.swh-eng.eng"),
                                "other": str(shared_data() / "tatoeba/tatoeba.swh-eng.swh"),
                            }
                        },
                        **{
                            "merges": 500,
                            "embed_dim": 16,
                            "hidden_size": 16,
                            "layers": 2,
                            "decoder_size": 32,
                            "epochs": 1,
                            "batch_size": 32,
                            "learning_rate": 5e-3,
                        },
                    },
                },
                "tagger": {"model_dim": 32, "feedforward": 32},
                # the Bayesian search of LASER's dropouts and L2 at its smallest budget: one random point, one GP step
                "optimization": {"embedders": ["laser_top"], "init_points": 1, "iterations": 1},
                "training": {
                    kind: {
                        "optimizer": optimizer,
                        "learning_rate": rate,
                        "weight_decay": 1e-3,
                        "momentum": 0.95,
                        "epochs": 2,
                        "batch_size": 16,
                        "patience": 2,
                        "max_grad_norm": 5.0,
                    }
                    for kind, optimizer, rate in (("baseline", "adam", 1e-3), ("laser", "sgd_1cycle", 0.02))
                },
            },
        }
        # this config is complete: it replaces config.yaml rather than being merged into it
        # 145 jobs: ~10 min on 2 cores before one thread a job (591 s on 2026-12-01), so more room than run_workflow's default
        result = run_workflow(tmp_path / "work", config, ("all",), "--replace-workflow-config", timeout=1800)
        assert result.returncode == 0, output_of(result)[-5000:]
        requested = {path for path, _ in server.requests}
    work = tmp_path / "work"
    assert f"/ruwiki/{DATE}/ruwiki-{DATE}-sha1sums.txt" in requested
    assert f"/swwiki/{DATE}/swwiki-{DATE}-pages-articles-multistream.xml.bz2" in requested
    stats = pd.read_csv(work / "results/corpus/stats.csv").set_index("language")
    assert list(stats.index) == ["ar", "en", "ko", "ru", "sw"]
    assert stats.loc[["ar", "ru", "sw", "ko"], "documents"].tolist() == [150, 150, 30, 25]
    assert stats.loc["en", "documents"] > 90 and stats.loc["en", "redirects_skipped"] > 90
    assert (stats.loc[["ar", "ko", "ru", "sw"], "disambiguation_skipped"] == 1).all()
    manifest = (work / "resources/wikipedia/en/source.json").read_text()
    assert '"multistream_index_built": true' in manifest
    assert "no published checksum given; not verified" in (work / "logs/download_wikipedia/en.log").read_text()
    ru = pq.read_table(work / "results/corpus/ru/sentences.parquet").column("text").to_pylist()
    assert any("\u0400" <= c <= "\u04ff" for c in ru[0])
    sampling = pd.read_csv(work / "results/pretraining/sampling.csv").set_index("language")
    assert sampling["duplication_factor"].idxmin() == sampling["n_i"].idxmax()
    assert pq.ParquetFile(work / "results/pretraining/mix.parquet").metadata.num_rows == sampling["lines_after"].sum()

    # vocabularies trained on the real text, aligned into English, BLI where there is a test set
    bli = pd.read_csv(work / "results/bli_scores.csv")
    assert set(zip(bli["source"], bli["target"])) == {("ar", "en"), ("en", "ar"), ("ru", "en"), ("en", "ru"), ("avg", "avg")}
    assert set(bli["metric"]) == {"P@1", "P@5", "P@10", "MRR"} and (bli["n"] > 0).all()
    assert bli["value"].between(0, 1).all() and bli["coverage"].between(0, 1).all()
    coverage = json.loads((work / "results/dictionaries/ru/coverage.json").read_text())
    assert coverage["train"]["pairs_read"] == 5000 and coverage["test"]["pairs_read"] == 2000
    assert json.loads((work / "results/dictionaries/sw/coverage.json").read_text())["test"] is None
    metadata = json.loads((work / "results/vocab/ko/metadata.json").read_text())
    assert metadata["source"] == "train" and metadata["normalization"]["digits"] == "0"
    report = json.loads((work / "results/alignment/ar/report.json").read_text())
    assert [r["round"] for r in report["rounds"]] == [0, 1]
    # the cluster map over all five languages
    clusters = pd.read_parquet(work / "results/clusters/token2cid.parquet")
    summary = json.loads((work / "results/clusters/summary.json").read_text())
    ids = np.sort(clusters["cluster_id"].unique())
    assert np.array_equal(ids, np.arange(summary["clusters"])) and clusters["token"].is_unique
    assert set(clusters.loc[clusters.kind == "graph", "language"]) == {"ar", "en", "ko", "ru", "sw"}
    assert summary["parts_requested"] == 800 and summary["bert_specials"] == 5

    # semantic groups and First-k of the joint vocabulary and of the model, and the grouped models
    from transformers import AutoModelForMaskedLM, AutoTokenizer

    for source in ("vocabulary", "mini"):
        groupings = pd.read_csv(work / f"results/grouping/{source}/summary.csv")
        assert sorted(zip(groupings["method"], groupings["ratio"])) == [("firstk", 0.1), ("firstk", 0.4), ("kmeans", 0.1), ("kmeans", 0.4)]
    vocabulary = pd.read_parquet(work / "results/grouping/vocabulary/kmeans40/token2cid.parquet")
    assert set(vocabulary["token"]) == set(clusters["token"])  # the same tokens as the ICEBERT map
    kept = pd.read_parquet(work / "results/grouping/vocabulary/firstk10/token2cid.parquet")
    assert set(kept.loc[kept.kind == "kept", "language"]) == {"ar", "en", "ko", "ru", "sw"}  # every language keeps its share
    grouped = work / "results/grouping/mini/kmeans40/model"
    tokenizer = AutoTokenizer.from_pretrained(grouped, trust_remote_code=True)
    model = AutoModelForMaskedLM.from_pretrained(grouped)
    assert len(tokenizer) == model.config.vocab_size < 4000
    text = real_paragraphs("ko", 1)[0][1]
    assert model(**tokenizer(text, truncation=True, max_length=64, return_tensors="pt")).logits.shape[-1] == len(tokenizer)

    # the mini size's own corpus: 60 sentences of each language drawn from its extracted sentences, shuffled together
    corpus = pd.read_parquet(work / "results/pretraining/corpora/mini.parquet")
    assert corpus["lang"].value_counts().to_dict() == {lang: 60 for lang in ("ar", "en", "ko", "ru", "sw")}
    assert corpus["position"].tolist() == list(range(300)) and corpus["lang"].iloc[:60].nunique() > 1
    sentences = pd.read_parquet(work / "results/corpus/ru/sentences.parquet", columns=["text"])["text"]
    ru_rows = corpus[corpus["lang"] == "ru"]
    assert ru_rows["line"].is_unique and (sentences.iloc[ru_rows["line"]].to_numpy() == ru_rows["text"].to_numpy()).all()
    # cluster-ID and baseline tokenizers, every encoded copy of that corpus in its order, a model for each
    ko_text = real_paragraphs("ko", 3)[2][1]
    for name in ("icebert", "baseline", "kmeans40"):
        encoded = pd.concat(
            [pd.read_parquet(p) for p in sorted((work / f"results/pretraining/encoded/mini/{name}").glob("shard-*.parquet"))]
        )
        assert encoded["position"].tolist() == corpus["position"].tolist() and encoded["lang"].tolist() == corpus["lang"].tolist()
        directory = work / f"results/pretraining/models/{name}-mini"
        tokenizer = AutoTokenizer.from_pretrained(directory, trust_remote_code=True)
        model = AutoModelForMaskedLM.from_pretrained(directory)
        kwargs = {} if name == "baseline" else {"language": "ko"}
        batch = tokenizer(ko_text, truncation=True, max_length=64, return_offsets_mapping=True, return_tensors="pt", **kwargs)
        offsets = batch.pop("offset_mapping")[0].tolist()
        pieces = batch.encodings[0].tokens
        assert all(ko_text[a:b].strip() for (a, b), piece in zip(offsets[1:-1], pieces[1:-1]) if piece != "▁")  # IDs point at their text
        assert model(**batch).logits.shape[-1] == len(tokenizer) == model.config.vocab_size
        log = pd.read_csv(directory / "training_log.csv")
        assert log["step"].tolist() == list(range(5, 41, 5)) and log["loss"].iloc[-1] < log["loss"].iloc[0]
    clusters_tokenizer = AutoTokenizer.from_pretrained(work / "results/tokenizers/icebert", trust_remote_code=True)
    assert len(clusters_tokenizer) == summary["clusters"] == len(AutoTokenizer.from_pretrained(work / "results/tokenizers/baseline"))

    # TyDi QA: English fine-tuning of every model, zero-shot answers in every language, the scores
    counts = pd.read_csv(work / "results/tydiqa/data/counts.csv").set_index(["split", "language"])
    assert counts.loc[("train", "en"), "questions_read"] == 3696 and counts.loc[("train", "en"), "kept"] == 3695
    assert counts.loc[("dev", "ar"), "matches_published"] and (counts["used"] == [160, 30, 30]).all()
    problems = pd.read_csv(work / "results/tydiqa/data/problems.csv")
    assert problems[["split", "id", "action"]].values.tolist() == [["train", shifted["id"], "skipped"]]
    scores = pd.read_csv(work / "results/tydiqa_scores.csv")
    assert list(scores.columns) == ["model", "tokenizer", "size", "seed", "language", "n", "EM", "F1"]
    runs = {(m, s) for m, s in zip(scores["model"], scores["seed"])}
    assert runs == {("icebert-mini", 1), ("baseline-mini", 1), ("kmeans40-mini", 1), ("mini", 1), ("mini", 2)}
    assert (scores["n"] == 30).all() and scores["F1"].between(0, 100).all() and (scores["F1"] >= scores["EM"]).all()
    assert set(scores.loc[scores["model"] == "mini", "size"]) == {"base"}  # a reference model's size label
    summary = pd.read_csv(work / "results/tydiqa/summary.csv")
    assert set(summary["language"]) == {"ar", "ru", "avg"}
    mini_avg = summary[(summary["model"] == "mini") & (summary["language"] == "avg")].iloc[0]
    per_seed = scores[scores["model"] == "mini"].groupby("seed")["F1"].mean()
    assert mini_avg["seeds"] == 2 and mini_avg["F1_mean"] == pytest.approx(per_seed.mean())
    assert mini_avg["F1_std"] == pytest.approx(per_seed.std())
    predictions = json.loads((work / "results/tydiqa/predictions/icebert-mini/seed1/ru.json").read_text(encoding="utf-8"))
    dev = {q["id"]: q for q in pq.read_table(work / "results/tydiqa/data/dev/ru.parquet").to_pylist()}
    assert set(predictions) == set(dev) and all(answer in dev[qid]["context"] for qid, answer in predictions.items())
    assert (work / "results/tydiqa/scores.png").stat().st_size > 10_000
    trained = json.loads((work / "results/tydiqa/models/icebert-mini/seed1/training.json").read_text())
    assert trained["questions"] == 160 and trained["windows"] >= 160

    # language clusters of the five languages, NER per cluster and family, and the zero-shot check on nl
    counts = pd.concat([pd.read_csv(work / f"results/wikiann/{lang}/counts.csv") for lang in ner_languages])
    assert (counts.groupby("language")["sentences_used"].apply(list) == pd.Series({lang: [300, 100, 100] for lang in ner_languages})).all()
    read = counts.set_index(["language", "split"])["sentences_read"]
    assert read[("en", "train")] == 20000 and read[("nl", "train")] == 15806 and read[("es", "train")] == 8323
    problems = pd.read_csv(work / "results/wikiann/es/problems.csv")
    # esp.train and esp.testa each hold one I-LOC without B-LOC
    assert sorted(map(tuple, problems[["split", "action"]].values.tolist())) == [("dev", "read as B-LOC"), ("train", "read as B-LOC")]
    assert not any(
        tag.endswith("MISC") for tags in pq.read_table(work / "results/wikiann/nl/test.parquet").column("tags").to_pylist() for tag in tags
    )
    clusters = pd.read_csv(work / "results/language_clusters.csv")
    per_k = clusters.groupby(["representation", "k"])["language"].apply(sorted)
    assert all(languages == ner_languages for languages in per_k) and len(per_k) == 4
    votes = pd.read_csv(work / "results/langclust/votes.csv")
    assert np.allclose(votes.groupby(["representation", "k", "language"])["share"].sum(), 1.0)
    groups = pd.read_csv(work / "results/ner/groups.csv")
    scores = pd.read_csv(work / "results/wikiann_ner_scores.csv")
    evaluated = groups[groups["role"] == "evaluate"]
    overall = scores[scores["class"] == "all"]
    assert len(overall) == len(evaluated) and set(overall["scheme"]) == set(groups["scheme"])
    assert set(evaluated.loc[evaluated["scheme"] == "zeroshot", "language"]) <= {"nl"}
    assert {("family", "Germanic"), ("family", "Romance")} <= set(zip(groups["scheme"], groups["group"]))
    assert scores["f1"].between(0, 100).all() and set(scores["class"]) == {"LOC", "ORG", "PER", "all"}
    assert (work / "results/ner/f1_boxplot.png").stat().st_size > 10_000
    # Table 5: English trained on CoNLL-2003, on it and WikiAnn, and on English's cluster, scored on CoNLL-2003's test set
    conll_counts = pd.read_csv(work / "results/ner/corpora/conll2003/counts.csv").set_index("split")
    assert conll_counts.loc["train", "sentences_read"] == 14041 and conll_counts["sentences_used"].tolist() == [300, 100, 100]
    generalization = groups[groups["scheme"] == "generalization"]
    assert set(generalization["group"]) == {"corpus", "both", "cluster"}
    assert set(generalization.loc[generalization["role"] == "evaluate", "language"]) == {"conll2003"}
    assert sorted(generalization.loc[(generalization["group"] == "both") & (generalization["role"] == "train"), "language"]) == [
        "conll2003",
        "en",
    ]
    table5 = pd.read_csv(work / "results/ner/table5.csv")
    assert table5["training"].tolist() == ["corpus", "both", "cluster"] and list(table5.columns)[:2] == ["training", "all"]
    assert "conll2003" not in set(pd.read_csv(work / "results/ner/table3.csv")["language"])

    # word-pair mining for Swahili: the real Tatoeba pairs split, Moses-tokenized and aligned by eflomal
    parallel = json.loads((work / "results/lowres/parallel/sw.json").read_text())
    assert [parallel[s]["sentences"] for s in ("test", "dev", "train")] == [150, 50, 190]
    assert parallel["test"]["links"] > 2 * 150  # Tatoeba's short sentences: a few one-to-one links each
    retrieval = pd.read_csv(work / "results/word_retrieval_scores.csv")
    assert set(retrieval["method"]) == {"base", "mined", "linear_sup", "full_sup", "vecmap_id"} and set(retrieval["language"]) == {"sw"}
    assert retrieval["accuracy"].between(0, 1).all() and (retrieval["pairs"] > 2 * 150 * 0.9).all()
    mined = pd.read_csv(work / "results/lowres/mined_types.csv")
    assert mined["language"].tolist() == ["sw"] and mined.loc[0, "pairs"] > 0
    tagging = pd.read_csv(work / "results/tagging_scores.csv")
    assert sorted(zip(tagging["embedder"], tagging["language"])) == [
        ("bpe_bow", "en"),
        ("bpe_bow", "nl"),
        ("laser_top", "en"),
        ("laser_top", "nl"),
    ]
    assert tagging["value"].between(0, 100).all() and (tagging["sentences"] == 200).all()
    bio = pd.read_csv(work / "results/tagging/bio_confusion.csv")  # Fig. 5 on the real Dutch test sentences
    assert set(bio["gold"]) == {"B", "I", "O"} and bio.groupby("embedder")["tokens"].sum().nunique() == 1
    lowres_ner = pd.read_csv(work / "results/lowres_ner_scores.csv")
    assert set(lowres_ner["class"]) == {"LOC", "ORG", "PER", "all"} and (lowres_ner["class"] == "all").sum() == 5
    assert lowres_ner["f1"].between(0, 100).all()
