"""Rule ebert_vocabulary: the LM with its WordPiece vocabulary extended by the language's most frequent
new subwords and as many new embedding rows (E-BERT, Wang et al. 2020; Hangya et al. 2022 §4.1's
eBERT), the start of its masked-LM training."""

import pyarrow.parquet as pq
import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)
from transformers import AutoModelForMaskedLM

from xlclust.atomic import atomic_directory
from xlclust.models import ModelSource
from xlclust.pretraining.extension import extend_embeddings
from xlclust.runlog import start_job
from xlclust.tokenization.wordpiece import extend_wordpiece, frequent_new_subwords

start_job(snakemake)
params = snakemake.params
settings = params.settings
tokenizer, model = ModelSource(**params.encoder).load(AutoModelForMaskedLM)
texts = pq.read_table(snakemake.input.corpus, columns=["text"]).column(0).to_pylist()
new_subwords = frequent_new_subwords(tokenizer, texts, settings["wordpiece_vocab_size"], settings["new_subwords"], params.seed)
with atomic_directory(snakemake.output[0]) as tmp:
    extended = extend_wordpiece(tokenizer, new_subwords["piece"].tolist(), tmp)
    extend_embeddings(model, len(extended), settings["new_rows"], params.seed)
    model.save_pretrained(tmp)
    new_subwords.to_csv(tmp / "new_subwords.csv", index=False)
