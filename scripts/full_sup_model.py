"""Rule full_sup_model: the whole LM trained on one language's parallel training sentences with English
(Cao et al. 2020; Hangya et al. 2022 §4.2's full_sup), saved as weights its tokenizer reads with."""

import json
import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

import pandas as pd

from xlclust.atomic import atomic_directory
from xlclust.lowres.full import LOG_FIELDS, train_full
from xlclust.lowres.parallel import read_split
from xlclust.lowres.settings import FullSupSettings, UpdateSettings
from xlclust.models import ModelSource
from xlclust.runlog import start_job
from xlclust.settings import settings_from
from xlclust.training.checkpoint import lines_digest

start_job(snakemake)
params = snakemake.params
from transformers import AutoModel  # noqa: E402  (after the thread limits)

source = ModelSource(**params.encoder)
tokenizer, model = source.load(AutoModel, seed=params.seed)  # the pooler it lacks: seeded, so reruns save the same bytes
english, other, links = read_split(snakemake.input.parallel, "train")
update = settings_from(UpdateSettings, params.training, "lowres.update")
full_sup = settings_from(FullSupSettings, params.full_sup, "lowres.full_sup")
identity = {
    "task": "lowres",
    "method": "full_sup",
    "model": source.identity(),
    "parallel": lines_digest(" ".join(s) for s in other + english),
}
languages = tuple(params.languages)
model, rows, summary = train_full(
    model,
    tokenizer,
    languages,
    (other, english),
    [pairs[:, ::-1] for pairs in links],
    update,
    full_sup.regularization,
    params.seed,
    params.checkpoints,
    identity,
)
with atomic_directory(snakemake.output[0]) as tmp:
    model.save_pretrained(tmp)
    pd.DataFrame(rows, columns=LOG_FIELDS).to_csv(tmp / "training_log.csv", index=False)
    (tmp / "summary.json").write_text(json.dumps({**summary, "model": source.identity()}, indent=1) + "\n", encoding="utf-8")
logging.info("full_sup %s: %s", "-".join(languages), summary)
