"""Declared Parquet schemas of the corpus tables."""

import pyarrow as pa

# results/corpus/{lang}/sentences.parquet: one row per sentence, in dump order.
SENTENCES = pa.schema(
    [
        pa.field("doc_id", pa.int64(), nullable=False),  # the page id of the dump
        pa.field("title", pa.string(), nullable=False),
        pa.field("paragraph", pa.int32(), nullable=False),  # index within the document
        pa.field("sentence", pa.int32(), nullable=False),  # index within the paragraph
        pa.field("text", pa.string(), nullable=False),
    ],
    metadata={"xlclust.table": "sentences"},
)

# results/pretraining/lines/{lang}.parquet: sentences packed into pretraining lines.
LINES = pa.schema(
    [
        pa.field("doc_id", pa.int64(), nullable=False),
        pa.field("line", pa.int64(), nullable=False),  # index within the language
        pa.field("n_tokens", pa.int32(), nullable=False),  # whitespace tokens
        pa.field("text", pa.string(), nullable=False),
    ],
    metadata={"xlclust.table": "lines"},
)

# results/pretraining/mix.parquet: the α-smoothed, shuffled pretraining mix.
MIX = pa.schema(
    [
        pa.field("position", pa.int64(), nullable=False),  # order every tokenizer's corpus keeps
        pa.field("lang", pa.string(), nullable=False),
        pa.field("line", pa.int64(), nullable=False),  # the line in lines/{lang}.parquet
        pa.field("copy", pa.int32(), nullable=False),  # 0 for the original, 1.. for duplicates
        pa.field("n_tokens", pa.int32(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
    ],
    metadata={"xlclust.table": "mix"},
)
