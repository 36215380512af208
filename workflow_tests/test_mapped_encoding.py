"""The continual-pretraining corpus encoded once per backbone ("Tomato, Tomahto, Tomate" §2.4): a grouped
pipeline's encoding is its backbone's mapped through the groups (xlclust.pretraining.mapped), and equals,
row for row, the encoding made with the grouped tokenizer itself."""

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from workflow_tests.realdata import shared_data, write_mix
from xlclust.errors import XlclustError
from xlclust.grouping.groups import first_k_labels, group_table
from xlclust.grouping.model import load_masked_lm, model_vocabulary, save_grouped_model
from xlclust.models import ModelSource
from xlclust.pretraining import mapped
from xlclust.pretraining.encode import encode_corpus, encoded_shards
from xlclust.pretraining.mapped import load_groups, map_encoded


def leipzig(lang, n):
    return (shared_data() / f"leipzig-sentences/{lang}.txt").read_text(encoding="utf-8").splitlines()[:n]


@pytest.fixture(scope="module", params=["bert", "xlmr"])
def encodings(request, tmp_path_factory):
    """A tiny backbone, its First-k 30 % grouping, and the mix encoded by each tokenizer directly."""
    from xlclust.demo.tiny_model import build_tiny_model, build_tiny_xlmr

    directory = tmp_path_factory.mktemp(f"mapped-{request.param}")
    texts = leipzig("en", 300) + leipzig("ru", 300)
    build = build_tiny_model if request.param == "bert" else build_tiny_xlmr
    build(texts, directory / "backbone", vocab_size=2000, hidden_size=16, layers=1, heads=2, max_positions=66, seed=0)
    tokenizer, model = load_masked_lm(ModelSource(str(directory / "backbone")))
    tokens, _ = model_vocabulary(tokenizer, model)
    ranks = tokens.loc[~tokens["is_special"], "frequency_rank"].to_numpy()
    table = group_table(tokens, first_k_labels(np.argsort(ranks, kind="stable"), 0.3), method="firstk")
    save_grouped_model(tokenizer, model, table, directory / "grouped", {})
    rows = [(lang, line, text) for lang in ("en", "ru") for line, text in enumerate(leipzig(lang, 250))]
    rows.append(("en", 250, ""))  # an empty line: a row without IDs
    write_mix(rows, directory / "mix.parquet")
    for name in ("backbone", "grouped"):
        encode_corpus(directory / "mix.parquet", directory / name, directory / f"{name}-encoded", shard_lines=200, workers=1)
    return directory


def read_rows(directory):
    return pa.concat_tables([pq.read_table(shard) for shard in encoded_shards(directory)])


def test_the_mapped_encoding_is_the_grouped_tokenizers_own(encodings, monkeypatch):
    monkeypatch.setattr(mapped, "BATCH_ROWS", 37)  # several record batches per shard, cut inside row groups
    groups = load_groups(encodings / "grouped")
    assert len(np.unique(groups)) < len(groups)  # the map merges tokens
    manifest = map_encoded(encodings / "backbone-encoded", groups, encodings / "mapped", groups_source=encodings / "grouped")
    direct, result = read_rows(encodings / "grouped-encoded"), read_rows(encodings / "mapped")
    original = read_rows(encodings / "backbone-encoded")
    assert result.schema == direct.schema and result.schema.metadata == direct.schema.metadata
    assert result.column("position").to_pylist() == direct.column("position").to_pylist()
    assert result.column("lang").to_pylist() == direct.column("lang").to_pylist()
    assert result.column("input_ids").to_pylist() == direct.column("input_ids").to_pylist()
    assert result.column("input_ids").to_pylist() != original.column("input_ids").to_pylist()  # it did map
    assert [s.name for s in encoded_shards(encodings / "mapped")] == [s.name for s in encoded_shards(encodings / "grouped-encoded")]
    source = json.loads((encodings / "backbone-encoded" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["lines"] == source["lines"] and manifest["ids"] == source["ids"]
    assert manifest["mapped_from"]["encoding"] == str(encodings / "backbone-encoded")
    assert manifest["mapped_from"]["tokenizer"] == source["tokenizer"]
    assert manifest["mapped_from"]["groups"] == str(encodings / "grouped") == manifest["tokenizer"]
    assert manifest["mapped_from"]["n_groups"] == int(groups.max()) + 1
    assert json.loads((encodings / "mapped" / "manifest.json").read_text(encoding="utf-8")) == manifest


def test_an_id_outside_the_map_is_refused_naming_the_shard(encodings, tmp_path):
    groups = load_groups(encodings / "grouped")
    with pytest.raises(XlclustError, match=r"shard-00000\.parquet: \d+ token IDs lie outside the group map of 100 IDs"):
        map_encoded(encodings / "backbone-encoded", groups[:100], tmp_path / "mapped")
    assert not (tmp_path / "mapped").exists() and not list(tmp_path.iterdir())  # nothing half-written
    with pytest.raises(XlclustError, match="1-d array of integer group IDs"):
        map_encoded(encodings / "backbone-encoded", groups.astype(float), tmp_path / "mapped")
    with pytest.raises(XlclustError, match="no token_groups.json"):
        load_groups(encodings / "backbone")
