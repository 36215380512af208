"""Rule lowres_ner: zero-shot NER (Hangya et al. 2022 §4.2) — a linear tagger over the frozen LM and a
method's layers, trained on English WikiAnn, early-stopped on the language's dev set, scored on its test set."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd
import pyarrow.parquet as pq

from xlclust.atomic import write_csv_atomic
from xlclust.lowres.contextual import load_encoder
from xlclust.lowres.layers import LayerMaps
from xlclust.lowres.probe import label_names, tag, train_tagger, word_labels
from xlclust.lowres.settings import ProbeSettings
from xlclust.models import ModelSource
from xlclust.runlog import start_job
from xlclust.settings import settings_from
from xlclust.token_classification.metrics import span_scores

start_job(snakemake)
params, wildcards, inputs = snakemake.params, snakemake.wildcards, snakemake.input
lang, english = params.languages
encoder = load_encoder(ModelSource(**params.encoder), params.encode_batch_size, snakemake.input.get("weights"))
maps = LayerMaps.load(inputs.layers) if "layers" in inputs.keys() else LayerMaps.identity()
settings = settings_from(ProbeSettings, params.settings, "lowres.ner")
labels = label_names(params.classes)
data = {}
for name, path, language in (("train", inputs.english_train, english), ("dev", inputs.dev, lang), ("test", inputs.test, lang)):
    sentences = pq.read_table(path, columns=["tokens", "tags"]).to_pydict()
    vectors = encoder.encode(sentences["tokens"], language)
    data[name] = (maps.apply(language, vectors.vectors), vectors, sentences["tags"])
train_features, train_vectors, train_tags = data["train"]
tagger, rows = train_tagger(
    (train_features, word_labels(train_vectors, train_tags, labels)),
    data["dev"],
    labels,
    params.classes,
    train_vectors.sentence,
    settings,
    params.seed,
    params.mode,
)
test_features, test_vectors, test_tags = data["test"]
predicted = tag(tagger, test_features, test_vectors, [len(t) for t in test_tags], labels)
scores = pd.DataFrame(span_scores(test_tags, predicted, params.classes, params.mode))
scores = scores.assign(method=wildcards.lowres_method, language=lang, best_dev_f1=max(r["dev_f1"] for r in rows))
write_csv_atomic(scores[["method", "language", *[c for c in scores.columns if c not in ("method", "language")]]], snakemake.output.scores)
write_csv_atomic(pd.DataFrame(rows, columns=["step", "loss", "dev_f1"]), snakemake.output.training_log)
