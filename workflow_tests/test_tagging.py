"""System 5's tagger pieces (van der Heijden et al.): the CRF against brute force, the universal POS
mapping on the real CoNLL files, BPE-to-word pooling by hand, LASER's BiLSTM run layer by layer, the
sign test and the joint-training splits."""

import itertools

import numpy as np
import pyarrow.parquet as pq
import pytest
import torch

from xlclust.tagging.crf import LinearChainCRF

EMBEDDER_SETTINGS = {"bpe_gru_hidden": 4, "lstm_nopre": {"hidden_size": 6, "layers": 2}}


def brute_force(crf, emissions, length):
    """Every tag sequence of the first ``length`` positions with its score."""
    scores = {}
    for path in itertools.product(range(crf.num_tags), repeat=length):
        score = crf.start[path[0]] + emissions[0, path[0]] + crf.end[path[-1]]
        score = score + sum(crf.transitions[a, b] + emissions[i + 1, b] for i, (a, b) in enumerate(itertools.pairwise(path)))
        scores[path] = score
    return scores


def test_the_crf_matches_brute_force_on_a_tiny_lattice():
    torch.manual_seed(0)
    crf = LinearChainCRF(3)
    with torch.no_grad():
        crf.transitions.normal_()  # transitions that matter
    emissions = torch.randn(3, 4, 3)
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 0, 0], [1, 0, 0, 0]], dtype=torch.bool)
    tags = torch.tensor([[0, 2, 1, 1], [2, 2, 0, 0], [1, 0, 0, 0]])
    log_likelihood = crf.log_likelihood(emissions, tags, mask)
    paths = crf.decode(emissions, mask)
    for row, length in enumerate([4, 2, 1]):
        scores = brute_force(crf, emissions[row], length)
        log_z = torch.logsumexp(torch.stack(list(scores.values())), 0)
        gold = tuple(tags[row, :length].tolist())
        assert log_likelihood[row].item() == pytest.approx((scores[gold] - log_z).item(), abs=1e-5)
        assert tuple(paths[row]) == max(scores, key=lambda path: scores[path].item())
    # probabilities over every path of a row sum to one
    every = torch.tensor(list(itertools.product(range(3), repeat=4)))
    total = torch.logsumexp(crf.log_likelihood(emissions[:1].expand(len(every), 4, 3), every, mask[:1].expand(len(every), 4)), 0)
    assert total.item() == pytest.approx(0.0, abs=1e-5)


def test_the_crf_refuses_shapes_that_do_not_fit():
    crf = LinearChainCRF(3)
    with pytest.raises(ValueError, match="do not fit"):
        crf.decode(torch.zeros(2, 4, 5), torch.ones(2, 4, dtype=torch.bool))
    with pytest.raises(ValueError, match="at least one position"):
        crf.decode(torch.zeros(2, 4, 3), torch.tensor([[1, 1, 0, 0], [0, 0, 0, 0]], dtype=torch.bool))


def test_the_universal_map_covers_every_pos_tag_of_the_real_dutch_conll_files(tmp_path):
    from workflow_tests.realdata import SHARED_DATA
    from xlclust.tagging.pos import UNIVERSAL_TAGS, read_tag_map, to_universal
    from xlclust.token_classification.data import read_conll

    mapping = read_tag_map(SHARED_DATA / "universal-pos-tags" / "nl-alpino.map")
    seen = set()
    for split in ("train", "testa", "testb"):
        for sentence in read_conll(SHARED_DATA / "conll2002" / f"ned.{split}", tag_column=1):
            seen |= set(to_universal(sentence.tags, mapping, sentence.where, "nl-alpino.map"))
    assert seen == {".", "ADJ", "ADP", "ADV", "CONJ", "DET", "NOUN", "NUM", "PRON", "VERB", "X"} and seen < set(UNIVERSAL_TAGS)
    # every map of Petrov et al.'s 12 tags reads (their lines end in bare carriage returns, stray tabs,
    # or split on spaces); the later CLAWS map targets Universal Dependencies' tags and is refused
    maps = sorted((SHARED_DATA / "universal-pos-tags").glob("*.map"))
    assert len(maps) > 30 and all(set(read_tag_map(path).values()) <= set(UNIVERSAL_TAGS) for path in maps if path.stem != "en-claws")
    with pytest.raises(Exception, match=r"en-claws\.map:\d+: expected"):
        read_tag_map(SHARED_DATA / "universal-pos-tags" / "en-claws.map")
    assert read_tag_map(SHARED_DATA / "universal-pos-tags" / "es-cast3lb.map")["Fc"] == "."
    with pytest.raises(Exception, match=r"ned\.train:\d+: POS tag 'Xyz' is not in nl-alpino.map"):
        to_universal(["N", "Xyz"], mapping, f"{SHARED_DATA}/conll2002/ned.train:7", "nl-alpino.map")
    bad = tmp_path / "bad.map"
    bad.write_text("NN\tNOUN\nVB VERB AUX\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"bad\.map:2: expected 'TAG<TAB>UNIVERSAL'"):
        read_tag_map(bad)


def test_pieces_pool_into_their_words_by_hand():
    from xlclust.tagging.pooling import pool_pieces

    states = torch.tensor([[[1.0, 5.0], [3.0, 1.0], [2.0, 2.0], [9.0, 9.0]], [[4.0, 0.0], [0.0, 4.0], [7.0, 7.0], [8.0, 8.0]]])
    word_of_piece = torch.tensor([[0, 0, 1, -1], [-1, 0, 2, -1]])  # row 1: word 1 has no piece
    assert pool_pieces(states, word_of_piece, 3, "max").tolist() == [[[3, 5], [2, 2], [0, 0]], [[0, 4], [0, 0], [7, 7]]]
    assert pool_pieces(states, word_of_piece, 3, "mean").tolist() == [[[2, 3], [2, 2], [0, 0]], [[0, 4], [0, 0], [7, 7]]]
    assert pool_pieces(states, word_of_piece, 3, "sum")[0, 0].tolist() == [4, 6]
    with pytest.raises(ValueError, match="pooling 'min'"):
        pool_pieces(states, word_of_piece, 3, "min")


def laser_checkpoint(path, layers=3):
    """A checkpoint in LASER's layout (params, model, dictionary) with random weights, small sizes."""
    torch.manual_seed(1)
    params = {"num_embeddings": 40, "padding_idx": 1, "embed_dim": 8, "hidden_size": 6, "num_layers": layers, "bidirectional": True}
    embed = torch.nn.Embedding(40, 8, padding_idx=1)
    lstm = torch.nn.LSTM(8, 6, layers, bidirectional=True)
    model = {"embed_tokens.weight": embed.weight.detach()} | {f"lstm.{k}": v for k, v in lstm.state_dict().items()}
    torch.save({"params": params, "model": model, "dictionary": {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "de@@": 4}}, path)
    return embed, lstm


def test_laser_run_layer_by_layer_ends_with_the_stacked_lstms_top_layer(tmp_path):
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

    from xlclust.tagging.laser import direction_max, load_laser

    embed, lstm = laser_checkpoint(tmp_path / "laser.pt")
    encoder, dictionary = load_laser(tmp_path / "laser.pt")
    assert dictionary["de@@"] == 4 and len(encoder.lstm.layers) == 3
    ids = torch.tensor([[5, 6, 7, 8, 2], [9, 10, 2, 1, 1]])
    lengths = torch.tensor([5, 3])
    with torch.no_grad():
        states = encoder(ids, lengths)
        packed = pack_padded_sequence(embed(ids).transpose(0, 1), lengths, enforce_sorted=False)
        top, _ = pad_packed_sequence(lstm(packed)[0])
    assert len(states) == 3 and all(s.shape == (2, 5, 12) for s in states)
    assert torch.allclose(states[-1], top.transpose(0, 1), atol=1e-6)
    assert not torch.allclose(states[0], states[-1])
    assert states[-1][1, 3:].abs().sum() == 0  # nothing beyond a row's length
    symbols = direction_max(states[-1])
    assert symbols.shape == (2, 5, 6) and torch.equal(symbols[0, 0], torch.maximum(states[-1][0, 0, :6], states[-1][0, 0, 6:]))


def test_a_file_that_is_not_a_laser_checkpoint_is_refused_by_name(tmp_path):
    from xlclust.errors import XlclustError
    from xlclust.tagging.laser import load_laser

    torch.save({"state_dict": {"w": torch.zeros(2)}}, tmp_path / "other.pt")
    with pytest.raises(XlclustError, match=r"other\.pt: not a LASER encoder checkpoint"):
        load_laser(tmp_path / "other.pt")
    torch.save({"params": {"num_embeddings": 3}, "model": {}, "dictionary": {}}, tmp_path / "short.pt")
    with pytest.raises(XlclustError, match=r"short\.pt: the checkpoint's params lack"):
        load_laser(tmp_path / "short.pt")
    laser_checkpoint(tmp_path / "four.pt", layers=4)
    checkpoint = torch.load(tmp_path / "four.pt", weights_only=True)
    checkpoint["params"]["num_layers"] = 5
    torch.save(checkpoint, tmp_path / "mismatch.pt")
    with pytest.raises(XlclustError, match=r"mismatch\.pt: the encoder's weights do not fit its params"):
        load_laser(tmp_path / "mismatch.pt")
    import argparse

    torch.save({"params": argparse.Namespace(a=1), "model": {}, "dictionary": {}}, tmp_path / "code.pt")  # more than weights
    with pytest.raises(XlclustError, match=r"code\.pt: not readable as weights only"):
        load_laser(tmp_path / "code.pt")


def test_the_sign_test_on_a_hand_case():
    from xlclust.tagging.significance import sign_test

    # 9 wins, 1 loss, 2 ties: P(X ≥ 9 or X ≤ 1 | n = 10, ½) = 2 × 11 / 1024
    result = sign_test([1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0.5, 0.5], [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0.5, 0.5])
    assert result == {"wins": 9, "losses": 1, "ties": 2, "p_value": pytest.approx(22 / 1024)}
    assert sign_test([1, 2], [1, 2])["p_value"] == 1.0
    with pytest.raises(ValueError, match="different shapes"):
        sign_test([1, 2], [1])


def test_joint_scenarios_train_on_the_stated_shares():
    import numpy as np

    from xlclust.tagging.scenarios import scenario_sentences, share_count

    sizes = {"en": 14041, "nl": 15806, "es": 8323, "de": 12152}  # CoNLL training sentences
    joint_a = scenario_sentences("joint_a", sizes, "en", 0.25, seed=1)
    joint_b = scenario_sentences("joint_b", sizes, "en", 0.25, seed=1)
    assert {lang: len(ids) for lang, ids in joint_a.items()} == {"en": 3510, "nl": 3952, "es": 2081, "de": 3038}
    assert {lang: len(ids) for lang, ids in joint_b.items()} == {"en": 14041, "nl": 3952, "es": 2081, "de": 3038}
    assert all(np.array_equal(joint_a[lang], joint_b[lang]) for lang in ("nl", "es", "de"))  # the same quarter
    assert all(len(np.unique(ids)) == len(ids) and ids.max() < sizes[lang] for lang, ids in joint_a.items())
    assert not np.array_equal(joint_a["nl"], scenario_sentences("joint_a", sizes, "en", 0.25, seed=2)["nl"])
    assert list(scenario_sentences("zeroshot", sizes, "en", 0.25, 1)) == ["en"]
    assert len(scenario_sentences("monolingual", sizes, "en", 0.25, 1, language="es")["es"]) == 8323
    assert share_count(3, 0.25) == 1 and share_count(2, 0.25) == 1 and share_count(0, 0.25) == 0 and share_count(6, 0.25) == 2


def test_words_become_laser_pieces_through_its_codes_and_vocabulary(tmp_path):
    from xlclust.errors import XlclustError
    from xlclust.tagging.laser_text import LaserPieces

    # fastBPE codes with counts: t+h, th+e</w>, e+r</w>, a+n, an+d</w>
    (tmp_path / "codes").write_text("t h 90\nth e</w> 80\ne r</w> 70\na n 50\nan d</w> 40\n", encoding="utf-8")
    (tmp_path / "vocab").write_text("the 10\nthe@@ 1\nth@@ 5\ner 3\nand 7\nt@@ 1\nh@@ 1\no@@ 1\nn 1\n", encoding="utf-8")
    dictionary = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "the": 4, "th@@": 5, "er": 6, "and": 7, "o@@": 8, "n": 9}
    pieces = LaserPieces(tmp_path / "codes", tmp_path / "vocab", dictionary, "en")
    ids, word_of_piece = pieces.encode(["The", "other", "AND", "«on»"])
    assert pieces.word_pieces("The") == ("the",) and pieces.word_pieces("AND") == ("and",)
    assert pieces.word_pieces("other") == ("o@@", "th@@", "er")
    assert pieces.word_pieces("«on»") == ('"@@', "o@@", "n@@", '"')  # Moses normalizes the guillemets to quotes
    assert ids[-1] == 2 and word_of_piece[-1] == -1 and ids[0] == 4
    assert word_of_piece.tolist()[:-1] == [i for i, w in enumerate(["The", "other", "AND", "«on»"]) for _ in pieces.word_pieces(w)]
    (tmp_path / "bad").write_text("t h 90\nth\n", encoding="utf-8")
    with pytest.raises(XlclustError, match=r"bad:2: expected 'left right \[count\]'"):
        LaserPieces(tmp_path / "bad", tmp_path / "vocab", dictionary, "en")
    with pytest.raises(XlclustError, match="romanizes Greek"):
        LaserPieces(tmp_path / "codes", tmp_path / "vocab", dictionary, "el")


def pieces_batch():
    from xlclust.tagging.batch import make_batch

    # sentence 0: words [5 6] [7] </s>; sentence 1: word [8 9 10] </s>
    pieces = [(np.array([5, 6, 7, 2]), np.array([0, 0, 1, -1])), (np.array([8, 9, 10, 2]), np.array([0, 0, 0, -1]))]
    return make_batch([np.array([1, 0]), np.array([2])], pieces=pieces)


def test_a_words_pieces_become_its_own_sequence():
    from xlclust.tagging.embedders import word_piece_sequences

    batch = pieces_batch()
    states = batch.piece_ids.unsqueeze(2).float()  # a piece's vector is its ID
    sequences, counts, present = word_piece_sequences(states, batch.word_of_piece, batch.words)
    assert counts.tolist() == [2, 1, 3, 0] and present.tolist() == [True, True, True, False]
    assert sequences[..., 0].tolist() == [[5, 6, 0], [7, 0, 0], [8, 9, 10], [0, 0, 0]]


def test_the_bpe_gru_reads_each_word_alone_and_laser_words_pool_their_pieces(tmp_path):
    from xlclust.tagging.embedders import BpeGru, LaserWords
    from xlclust.tagging.laser import direction_max, load_laser

    batch = pieces_batch()
    embed, lstm = laser_checkpoint(tmp_path / "laser.pt")
    gru = BpeGru(embed, hidden_size=4)
    with torch.no_grad():
        words = gru(batch)
        alone = gru.gru(gru.embedding(torch.tensor([[8, 9, 10]])))[0].max(dim=1).values
    assert words.shape == (2, 2, 8) and torch.allclose(words[1, 0], alone[0], atol=1e-6) and words[1, 1].abs().sum() == 0
    encoder, _ = load_laser(tmp_path / "laser.pt")
    top = LaserWords(encoder, "top")
    elmo = LaserWords(encoder, "elmo")
    with torch.no_grad():
        states = encoder(batch.piece_ids, batch.piece_lengths)
        symbols = direction_max(states[-1])
        assert torch.allclose(top(batch)[0, 0], symbols[0, :2].max(dim=0).values)  # γ starts at 1
        mean = torch.stack([direction_max(s) for s in states]).mean(0)  # equal layer weights at the start
        assert torch.allclose(elmo(batch)[1, 0], mean[1, :3].max(dim=0).values, atol=1e-6)
    assert not any(p.requires_grad for p in encoder.parameters()) and all(p.requires_grad for p in elmo.mix.parameters())


def test_the_tagger_learns_a_tagging_its_inputs_determine():
    from xlclust.tagging.batch import make_batch
    from xlclust.tagging.embedders import BpeBow
    from xlclust.tagging.tagger import TransformerCrfTagger

    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    sentences = [rng.integers(4, 10, size=rng.integers(2, 7)) for _ in range(64)]
    tags = [(ids % 3).astype(np.int64) for ids in sentences]  # a word's tag follows from its single piece
    pieces = [(np.concatenate([ids, [2]]), np.concatenate([np.arange(len(ids)), [-1]])) for ids in sentences]
    batch = make_batch(tags, pieces=pieces)
    tagger = TransformerCrfTagger(BpeBow(torch.nn.Embedding(10, 8, padding_idx=1), freeze=False), 3, model_dim=16, feedforward=16)
    optimizer = torch.optim.Adam(tagger.parameters(), lr=1e-2)
    first = tagger.loss(batch).item()
    for _ in range(60):
        optimizer.zero_grad()
        loss = tagger.loss(batch)
        loss.backward()
        optimizer.step()
    tagger.eval()
    predicted = tagger.predict(batch)
    assert loss.item() < first / 5 and [len(p) for p in predicted] == [len(t) for t in tags]
    assert np.mean(np.concatenate(predicted) == np.concatenate(tags)) > 0.95


def tiny_training_run(
    checkpoint_dir, optimizer="adam", epochs=6, patience=10, kill_at_step=None, dev_scores=None, stop_on="no_improvement"
):
    """A tiny tagger on a task its inputs determine; returns (state dict, log rows)."""
    import os
    import signal

    from xlclust.tagging.batch import make_batch
    from xlclust.tagging.embedders import BpeBow
    from xlclust.tagging.tagger import TransformerCrfTagger
    from xlclust.tagging.training import TaggerTraining, train_epochs

    rng = np.random.default_rng(0)
    sentences = [rng.integers(4, 10, size=rng.integers(2, 7)) for _ in range(40)]
    tags = [(ids % 3).astype(np.int64) for ids in sentences]
    pieces = [(np.concatenate([ids, [2]]), np.concatenate([np.arange(len(ids)), [-1]])) for ids in sentences]
    torch.manual_seed(0)
    tagger = TransformerCrfTagger(BpeBow(torch.nn.Embedding(10, 8, padding_idx=1), freeze=False), 3, model_dim=16, feedforward=16)
    settings = TaggerTraining(optimizer, 1e-2, 1e-3, 0.95, epochs, 8, patience, 1.0, stop_on)
    calls = iter(dev_scores or [])

    def dev_score(model):
        predicted = model.predict(make_batch(tags, pieces=pieces))
        return next(calls, float(np.mean(np.concatenate(predicted) == np.concatenate(tags))))

    steps = iter(range(1, 10**6))

    def on_step(_):
        if next(steps) == kill_at_step:
            os.kill(os.getpid(), signal.SIGKILL)

    model, rows = train_epochs(
        tagger,
        lambda ids: make_batch([tags[i] for i in ids], pieces=[pieces[i] for i in ids]),
        40,
        dev_score,
        settings,
        3,
        checkpoint_dir,
        {"test": 1},
        on_step,
    )
    return model.state_dict(), rows


@pytest.mark.parametrize("optimizer", ["adam", "sgd_1cycle"])
def test_a_killed_tagger_run_resumes_to_the_weights_of_an_uninterrupted_one(tmp_path, optimizer):
    import multiprocessing

    whole, rows = tiny_training_run(tmp_path / "whole", optimizer)
    assert [r["epoch"] for r in rows] == [1, 2, 3, 4, 5, 6]
    killed = multiprocessing.get_context("spawn").Process(
        target=tiny_training_run, args=(tmp_path / "killed", optimizer), kwargs={"kill_at_step": 13}
    )
    killed.start()
    killed.join()
    assert killed.exitcode != 0  # killed in epoch 3, after two checkpoints
    resumed, resumed_rows = tiny_training_run(tmp_path / "killed", optimizer)
    assert resumed_rows == rows and all(torch.equal(whole[name], resumed[name]) for name in whole)


def test_training_stops_after_patience_rounds_and_keeps_the_best_weights(tmp_path):
    state, rows = tiny_training_run(tmp_path, epochs=10, patience=2, dev_scores=[0.5, 0.9, 0.7, 0.8, 0.95])
    assert [r["dev_score"] for r in rows] == [0.5, 0.9, 0.7, 0.8] and [r["best"] for r in rows] == [True, True, False, False]
    two_epochs, _ = tiny_training_run(tmp_path / "two", epochs=2)
    assert all(torch.equal(state[name], two_epochs[name]) for name in state)  # the second epoch's weights


def test_the_baselines_stop_after_two_rounds_in_a_row_that_score_below_the_round_before(tmp_path):
    """§Training: "two rounds of consecutive decreased performance" — a round above the one before
    (though below the best) starts the count again, where no_improvement would have stopped."""
    scores = [0.5, 0.9, 0.7, 0.8, 0.75, 0.6, 0.95]
    _, rows = tiny_training_run(tmp_path / "d", epochs=10, patience=2, dev_scores=scores, stop_on="decrease")
    assert [r["dev_score"] for r in rows] == [0.5, 0.9, 0.7, 0.8, 0.75, 0.6]
    assert [r["best"] for r in rows] == [True, True, False, False, False, False]
    _, rows = tiny_training_run(tmp_path / "n", epochs=10, patience=2, dev_scores=scores, stop_on="no_improvement")
    assert [r["dev_score"] for r in rows] == [0.5, 0.9, 0.7, 0.8]


def test_no_patience_runs_every_epoch_and_an_unknown_stop_rule_is_refused(tmp_path):
    from xlclust.errors import ConfigError

    _, rows = tiny_training_run(tmp_path / "all", epochs=4, patience=None, dev_scores=[0.9, 0.8, 0.7, 0.6], stop_on="decrease")
    assert [r["epoch"] for r in rows] == [1, 2, 3, 4] and [r["best"] for r in rows] == [True, False, False, False]
    with pytest.raises(ConfigError, match="stop_on 'worse'"):
        tiny_training_run(tmp_path / "bad", epochs=1, stop_on="worse")


def test_spanish_conll_tags_are_eagles_tags_cut_short_and_resolve_through_their_prefixes():
    from workflow_tests.realdata import SHARED_DATA
    from xlclust.tagging.pos import extend_mapping, read_tag_map, to_universal
    from xlclust.token_classification.data import read_conll

    eagles = read_tag_map(SHARED_DATA / "universal-pos-tags" / "es-eagles.map")
    sentences = [s for split in ("train", "testa", "testb") for s in read_conll(SHARED_DATA / "conll2002" / f"esp.{split}", tag_column=1)]
    tags = {tag for s in sentences for tag in s.tags}
    mapping = extend_mapping(eagles, tags, True, {"Y": "X"}, "es-eagles.map")  # Y: EAGLES's abbreviations
    assert mapping["NC"] == "NOUN" and mapping["VMI"] == "VERB" and mapping["Fc"] == "." and mapping["SP"] == "ADP"
    universal = [to_universal(s.tags, mapping, s.where, "es-eagles.map") for s in sentences]
    assert {tag for tags in universal for tag in tags} <= {
        ".",
        "ADJ",
        "ADP",
        "ADV",
        "CONJ",
        "DET",
        "NOUN",
        "NUM",
        "PRON",
        "PRT",
        "VERB",
        "X",
    }
    with pytest.raises(Exception, match=r"esp\.train:\d+: POS tag 'Y' is not in es-eagles.map"):
        for s in sentences:
            to_universal(s.tags, extend_mapping(eagles, tags, True, {}, "es-eagles.map"), s.where, "es-eagles.map")
    with pytest.raises(Exception, match=r"truncated tag 'V' stands for tags of"):
        extend_mapping({"VMI": "VERB", "VAI": "VERB", "VX": "X"}, {"V"}, True, {}, "m")


def test_the_real_conll_files_give_ner_and_universal_pos_tables():
    from workflow_tests.realdata import SHARED_DATA
    from xlclust.settings import DatasetSource
    from xlclust.tagging.data import PosSettings, prepare_task_language
    from xlclust.tagging.pos import read_tag_map
    from xlclust.token_classification.data import NerFiles

    conll = SHARED_DATA / "conll2002"
    classes = ["PER", "LOC", "ORG", "MISC"]

    def files(lang, column):
        return DatasetSource(
            files=NerFiles("conll", *(str(conll / f"{lang}.{split}") for split in ("train", "testa", "testb")), tag_column=column)
        )

    ner, counts, problems = prepare_task_language("ner", files("ned", 2), "nl", ["train", "dev", "test"], classes=classes)
    assert {c["split"]: c["sentences"] for c in counts} == {"train": 15806, "dev": 2895, "test": 5195} and problems == []
    pos_settings = PosSettings(str(SHARED_DATA / "universal-pos-tags" / "nl-alpino.map"))
    pos, counts, _ = prepare_task_language(
        "pos",
        files("ned", 1),
        "nl",
        ["train", "dev", "test"],
        classes=classes,
        pos=pos_settings,
        pos_mapping=read_tag_map(pos_settings.map),
    )
    assert pos["train"].column("tokens").to_pylist() == ner["train"].column("tokens").to_pylist()  # the same sentences, both tasks
    assert pos["train"].column("tags")[0].as_py()[:4] == ["DET", "NOUN", "ADP", "DET"]  # De tekst van het
    assert pos["test"].column("id")[0].as_py() == "pos-nl-test-0"
    eagles = PosSettings(str(SHARED_DATA / "universal-pos-tags" / "es-eagles.map"), truncated=True, extra={"Y": "X"})
    spanish, _, _ = prepare_task_language(
        "pos", files("esp", 1), "es", ["test"], classes=classes, pos=eagles, pos_mapping=read_tag_map(eagles.map)
    )
    assert spanish["test"].num_rows == 1517
    hungarian = SHARED_DATA / "ner-hu" / "hun_ner_corpus.txt"
    szeged = DatasetSource(files=NerFiles("conll", str(hungarian), str(hungarian), str(hungarian), tag_encoding="iob1", outside="0"))
    hu, counts, problems = prepare_task_language("ner", szeged, "hu", ["test"], classes=classes, invalid_tags="error")
    assert list(hu) == ["test"] and counts[0]["sentences"] == 78 and problems == []  # zero-shot languages need a test set only


def test_a_laser_style_encoder_learns_from_translation_and_saves_in_lasers_layout(tmp_path):
    """Word-for-word translations (the demo's setting): after pretraining, a sentence's embedding finds
    its translation's among all (random weights do not), and the encoder reloads as LASER's."""
    from xlclust.tagging.batch import make_batch
    from xlclust.tagging.laser import load_laser, save_laser
    from xlclust.tagging.laser_pretraining import LaserTranslator, learn_bpe_files, translation_batch
    from xlclust.tagging.laser_text import LaserPieces
    from xlclust.tagging.training import TaggerTraining, train_epochs

    rng = np.random.default_rng(0)
    english = [" ".join(f"w{i}" for i in rng.integers(0, 20, size=rng.integers(3, 7))) for _ in range(200)]
    other = [" ".join(f"zu{int(w[1:]) * 7 % 20}x" for w in sentence.split()) for sentence in english]
    dictionary = learn_bpe_files(english + other, 60, tmp_path / "codes", tmp_path / "vocab")
    pieces = LaserPieces(tmp_path / "codes", tmp_path / "vocab", dictionary, "en")
    encoded = {name: [pieces.encode(s.split())[0] for s in texts] for name, texts in (("en", english), ("xx", other))}
    pairs = [(source, target) for source in ("en", "xx") for target in range(200)]

    def batch_of(indices):
        chosen = [pairs[i] for i in indices]
        return translation_batch([encoded[s][i] for s, i in chosen], [encoded["en"][i] for _, i in chosen], [0] * len(chosen))

    def retrieval(model):
        with torch.no_grad():
            batches = [batch_of(range(k * 200, (k + 1) * 200)) for k in range(2)]
            english, other = (model.sentence_embedding(b.source_ids, b.source_lengths) for b in batches)
        sims = torch.nn.functional.normalize(other, dim=1) @ torch.nn.functional.normalize(english, dim=1).T
        return float((sims.argmax(1) == torch.arange(200)).float().mean())

    torch.manual_seed(0)
    model = LaserTranslator(len(dictionary), 16, 16, 2, 32, languages=1)
    before = retrieval(model)
    settings = TaggerTraining("adam", 2e-2, 0.0, 0.9, 10, 32, 10, 1.0, "no_improvement")
    model, rows = train_epochs(
        model, batch_of, len(pairs), lambda m: -float(m.loss(batch_of(range(len(pairs))))), settings, 0, tmp_path / "ckpt", {"t": 1}
    )
    after = retrieval(model)
    # measured: 0.5 % of the translations found before, 77 % after 10 epochs (the loss 3.09 → 2.10: the
    # words are random, so the decoder cannot do much better)
    assert rows[-1]["loss"] < rows[0]["loss"] - 0.5 and after > 0.5 and after > 10 * before
    save_laser(model.encoder, dictionary, tmp_path / "laser.pt")
    loaded, loaded_dictionary = load_laser(tmp_path / "laser.pt")
    batch = make_batch([np.zeros(3, dtype=np.int64)], pieces=[pieces.encode(english[0].split())])
    with torch.no_grad():
        assert torch.equal(loaded(batch.piece_ids, batch.piece_lengths)[-1], model.encoder(batch.piece_ids, batch.piece_lengths)[-1])
    assert loaded_dictionary == dictionary


@pytest.fixture(scope="module")
def conll_runs(tmp_path_factory):
    """Real CoNLL-2002 Dutch and Spanish NER (small samples) as tables, and a LASER-format encoder with
    random weights over BPE learnt from their text."""
    from workflow_tests.realdata import SHARED_DATA
    from xlclust.settings import DatasetSource
    from xlclust.tagging.data import prepare_task_language
    from xlclust.tagging.laser import LaserEncoder, save_laser
    from xlclust.tagging.laser_pretraining import learn_bpe_files
    from xlclust.token_classification.data import NerFiles

    root = tmp_path_factory.mktemp("tagging")
    conll = SHARED_DATA / "conll2002"
    data = {}
    for lang, prefix in (("nl", "ned"), ("es", "esp")):
        files = NerFiles("conll", *(str(conll / f"{prefix}.{split}") for split in ("train", "testa", "testb")))
        tables, _, _ = prepare_task_language(
            "ner",
            DatasetSource(files=files),
            lang,
            ["train", "dev", "test"],
            classes=["PER", "LOC", "ORG", "MISC"],
            limits={"train": 120, "dev": 40, "test": 40},
        )
        data[lang] = root / lang
        data[lang].mkdir()
        for split, table in tables.items():
            pq.write_table(table, data[lang] / f"{split}.parquet")
    texts = [
        " ".join(tokens).lower() for lang in data for tokens in pq.read_table(data[lang] / "train.parquet").column("tokens").to_pylist()
    ]
    laser = root / "laser"
    laser.mkdir()
    dictionary = learn_bpe_files(texts, 300, laser / "codes", laser / "vocabulary")
    torch.manual_seed(0)
    save_laser(LaserEncoder(len(dictionary), 1, 8, 6, 2, True), dictionary, laser / "laser.pt")
    return data, laser


@pytest.fixture(scope="module")
def finetuned_models(conll_runs, tmp_path_factory):
    """mBERT- and XLM-shaped stand-ins with random weights, their tokenizers learnt from the same text."""
    from xlclust.demo.tiny_model import build_tiny_model, build_tiny_xlm

    data, _ = conll_runs
    root = tmp_path_factory.mktemp("finetuned")
    texts = [" ".join(tokens) for lang in data for tokens in pq.read_table(data[lang] / "train.parquet").column("tokens").to_pylist()]
    shape = {"hidden_size": 16, "layers": 1, "heads": 2, "max_positions": 48, "seed": 0}
    build_tiny_model(texts, root / "bert", vocab_size=600, **shape)
    build_tiny_xlm(texts, root / "xlm", languages=["es", "nl"], merges=400, **shape)
    return {"bert": {"location": str(root / "bert")}, "xlm": {"location": str(root / "xlm")}}


@pytest.mark.parametrize("embedder", ["bpe_bow", "bpe_gru", "laser_top", "laser_elmo", "lstm_nopre", "muse", "bert", "xlm"])
def test_a_tagging_run_trains_and_scores_every_evaluation_language(conll_runs, finetuned_models, embedder, tmp_path):
    from xlclust.tagging.run import Resources, run_tagging
    from xlclust.tagging.training import TaggerTraining

    data, laser = conll_runs
    vectors = {}
    if embedder == "muse":  # vectors for a few frequent lower-cased words of each language
        for lang in data:
            words = sorted(
                {t.lower() for tokens in pq.read_table(data[lang] / "train.parquet").column("tokens").to_pylist() for t in tokens}
            )[:200]
            vectors[lang] = (words, np.random.default_rng(1).normal(size=(len(words), 12)).astype(np.float32))
    settings = dict(
        task="ner",
        embedder=embedder,
        scenario="joint_a",
        data=data,
        train_languages=["nl", "es"],
        eval_languages=["nl", "es"],
        english="nl",
        share=0.5,
        classes=["PER", "LOC", "ORG", "MISC"],
        ner_mode="conlleval",
        resources=Resources(laser, vectors, finetuned_models.get(embedder)),
        tagger_settings={"model_dim": 16, "heads": 2, "layers": 1, "feedforward": 16},
        embedder_settings={**EMBEDDER_SETTINGS, "finetuned": {"dropout": 0.1, "max_length": 48, "unlisted_language": None}},
        training=TaggerTraining("adamw_linear" if embedder in ("bert", "xlm") else "adam", 1e-2, 0.0, 0.9, 2, 16, 2, 1.0, "no_improvement"),
        seed=1,
    )
    result = run_tagging(**settings, checkpoint_dir=tmp_path / "a")
    scores, sentences = result.scores, result.sentences
    assert list(scores["language"]) == ["nl", "es"] and (scores["metric"] == "f1").all() and scores["value"].between(0, 100).all()
    assert len(sentences) == 80 and (sentences["correct"] <= sentences["tokens"]).all() and len(result.log) == 2
    confusion = result.confusion.groupby("language")["tokens"].sum()
    assert confusion.to_dict() == sentences.groupby("language")["tokens"].sum().to_dict()  # every test token, once
    right = result.confusion.query("gold == predicted").groupby("language")["tokens"].sum()
    assert right.reindex(confusion.index, fill_value=0).to_dict() == sentences.groupby("language")["correct"].sum().to_dict()
    again = run_tagging(**settings, checkpoint_dir=tmp_path / "b")
    assert again.scores.equals(scores) and again.sentences.equals(sentences)  # seeded: the same run twice


def test_tables_2_and_3_and_the_sign_tests_by_hand():
    import pandas as pd

    from xlclust.tagging.report import sign_tests, table2, table3

    rows = [
        ("bpe_bow", "zeroshot", "en", 1, "nl", 50.0),
        ("bpe_bow", "zeroshot", "en", 2, "nl", 54.0),
        ("bpe_bow", "monolingual", "nl", 1, "nl", 80.0),
        ("bpe_bow", "joint_a", "en nl", 1, "nl", 70.0),
        ("bpe_bow", "joint_b", "en nl", 1, "nl", 73.0),
    ]
    scores = pd.DataFrame(rows, columns=["embedder", "scenario", "train_languages", "seed", "language", "value"]).assign(task="ner")
    two = table2(scores).iloc[0]
    assert (two["zeroshot"], two["zeroshot_std"], two["zeroshot_seeds"], two["monolingual"]) == (52.0, pytest.approx(2.83), 2, 80.0)
    assert table3(scores).iloc[0][["joint_a", "joint_b", "b_minus_a"]].tolist() == [70.0, 73.0, 3.0]
    key = {"task": "ner", "scenario": "zeroshot", "train_languages": "en", "seed": 1, "language": "nl"}
    sentences = pd.DataFrame(
        [
            {**key, "embedder": e, "id": f"s{i}", "correct": c}
            for e, counts in (("laser_top", [5, 5, 5, 5]), ("muse", [6, 6, 6, 5]))
            for i, c in enumerate(counts)
        ]
    )
    [test] = sign_tests(sentences, "laser_top").to_dict("records")
    assert (test["embedder"], test["wins"], test["losses"], test["ties"]) == ("muse", 3, 0, 1) and test["p_value"] == pytest.approx(0.25)


def test_a_run_without_the_reference_embedder_is_named_not_tested(caplog):
    """tagging.task_embedders may leave LASER-top out of a task: its runs have no sign test, and the log says so."""
    import pandas as pd

    from xlclust.tagging.report import sign_tests

    run = {"scenario": "zeroshot", "train_languages": "en", "seed": 1, "language": "nl", "id": "s0", "correct": 3}
    sentences = pd.DataFrame(
        [
            {**run, "task": "ner", "embedder": "laser_top"},
            {**run, "task": "ner", "embedder": "muse"},
            {**run, "task": "pos", "embedder": "muse"},
        ]
    )
    with caplog.at_level("WARNING", logger="xlclust.tagging.report"):
        tests = sign_tests(sentences, "laser_top")
    assert tests[["embedder", "task"]].values.tolist() == [["muse", "ner"]]
    assert "no laser_top run of pos/zeroshot/en/1 to test the other embedders against" in caplog.text


def test_a_rebuilt_encoder_never_resumes_another_runs_checkpoints(conll_runs, tmp_path):
    import shutil

    from xlclust.tagging.laser import LaserEncoder, load_laser, save_laser
    from xlclust.tagging.run import Resources, run_tagging
    from xlclust.tagging.training import TaggerTraining

    data, laser = conll_runs
    other = tmp_path / "laser"
    shutil.copytree(laser, other)
    _, dictionary = load_laser(laser / "laser.pt")
    torch.manual_seed(5)
    save_laser(LaserEncoder(len(dictionary) + 7, 1, 10, 6, 2, True), dictionary, other / "laser.pt")  # other shapes

    def run(directory):
        return run_tagging(
            task="ner",
            embedder="lstm_nopre",
            scenario="zeroshot",
            data=data,
            train_languages=["nl"],
            eval_languages=["nl"],
            english="nl",
            share=0.25,
            classes=["PER", "LOC", "ORG", "MISC"],
            ner_mode="conlleval",
            resources=Resources(directory),
            tagger_settings={"model_dim": 16, "heads": 2, "layers": 1, "feedforward": 16},
            embedder_settings=EMBEDDER_SETTINGS,
            training=TaggerTraining("adam", 1e-2, 0.0, 0.9, 1, 16, 2, 1.0, "no_improvement"),
            seed=1,
            checkpoint_dir=tmp_path / "checkpoints",
        )

    run(laser)
    result = run(other)  # the same checkpoint directory: a fresh run, not a failed resume
    assert len(result.log) == 1 and result.state["embedder.encoder.embed_tokens.weight"].shape[1] == 10
    assert len(list((tmp_path / "checkpoints").iterdir())) == 2


def test_a_word_is_tagged_from_its_first_subword():
    from xlclust.tagging.finetuned import first_piece_states

    states = torch.arange(2 * 6 * 1, dtype=torch.float32).view(2, 6, 1)
    # [CLS] w0 w0 w1 [SEP] pad | [CLS] w0 w1 w1 w2 [SEP]; in the first sentence w2 got no pieces
    word_of_piece = torch.tensor([[-1, 0, 0, 1, -1, -1], [-1, 0, 1, 1, 2, -1]])
    picked = first_piece_states(states, word_of_piece, 3)[..., 0]
    assert picked.tolist() == [[1.0, 3.0, 0.0], [7.0, 8.0, 10.0]]


def test_subword_pieces_frame_each_sentence_and_cut_what_the_model_cannot_read(finetuned_models):
    from transformers import AutoTokenizer

    from xlclust.tagging.subwords import SubwordPieces

    tokenizer = AutoTokenizer.from_pretrained(finetuned_models["bert"]["location"])
    pieces = SubwordPieces(tokenizer, 8, "nl")
    words = ["De", "Europese", "Commissie", "zegt", "nee", "."]
    ids, word_of_piece = pieces.encode(words)
    assert ids[0] == tokenizer.cls_token_id and ids[-1] == tokenizer.sep_token_id and len(ids) <= 8
    kept = sorted(set(word_of_piece[word_of_piece >= 0].tolist()))
    assert kept == list(range(len(kept))) and pieces.cut_words == len(words) - len(kept) > 0  # the rest counted
    for index in kept:  # each kept word's pieces are its own tokenization, in order
        assert ids[word_of_piece == index].tolist() == tokenizer(words[index], add_special_tokens=False)["input_ids"]


def test_xlm_reads_each_sentences_language_and_refuses_one_it_lacks(finetuned_models):
    from transformers import AutoModel

    from xlclust.errors import ConfigError
    from xlclust.tagging.batch import make_batch
    from xlclust.tagging.finetuned import FinetunedTagger
    from xlclust.tagging.subwords import model_language_id

    model = AutoModel.from_pretrained(finetuned_models["xlm"]["location"])
    assert model_language_id(model.config, "nl", None, "k") == model.config.lang2id["nl"]
    assert model_language_id(model.config, "eu", "es", "k") == model.config.lang2id["es"]
    with pytest.raises(ConfigError, match="'eu'.*unlisted_language"):
        model_language_id(model.config, "eu", None, "tagging.finetuned")
    tagger = FinetunedTagger(model, 9).eval()
    pieces = [(np.array([0, 20, 21, 1]), np.array([-1, 0, 1, -1]))]
    logits = [tagger.logits(make_batch([np.zeros(2, np.int64)], pieces=pieces, pad_id=2, language_ids=[lang])) for lang in (0, 1)]
    assert not torch.allclose(logits[0], logits[1])  # the language embedding is read


def test_joint_gains_and_the_bio_confusion_by_hand():
    import pandas as pd

    from xlclust.tagging.report import bio_confusion, joint_gain

    rows = [("zeroshot", 1, 50.0), ("joint_a", 1, 60.0), ("joint_a", 2, 62.0), ("joint_b", 1, 66.0), ("joint_b", 2, 65.0)]
    scores = pd.DataFrame(rows, columns=["scenario", "seed", "value"]).assign(task="ner", embedder="muse", language="nl")
    [gain] = joint_gain(scores, "en").to_dict("records")
    assert (gain["baseline"], gain["baseline_value"], gain["joint_b"], gain["gain"]) == ("joint_a", 61.0, 65.5, 4.5)
    counts = [("B-PER", "B-PER", 3), ("B-PER", "B-LOC", 1), ("I-PER", "O", 2), ("O", "O", 10), ("B-ORG", "I-ORG", 1)]
    confusion = pd.DataFrame(counts, columns=["gold", "predicted", "tokens"]).assign(task="ner", language="nl", scenario="zeroshot")
    confusion = pd.concat([confusion.assign(embedder="muse"), confusion.assign(embedder="bert", language="es")])
    table = bio_confusion(confusion, "nl", ["muse"], "zeroshot")
    assert table[["gold", "predicted", "tokens"]].values.tolist() == [["B", "B", 4], ["B", "I", 1], ["I", "O", 2], ["O", "O", 10]]
    assert table["share"].tolist() == [0.8, 0.2, 1.0, 1.0]


def test_the_aligned_space_is_read_as_word_vectors_of_its_whole_word_pieces():
    from xlclust.errors import XlclustError
    from xlclust.tagging.static import aligned_word_vectors

    pieces = ["<unk>", "▁the", "ing", "▁cat", "▁dog", "▁"]
    matrix = np.arange(12, dtype=np.float64).reshape(6, 2)
    words, vectors = aligned_word_vectors(pieces, matrix, {"the", "dog", "ing", "bird"})
    assert words == ["the", "dog"] and vectors.tolist() == [[2.0, 3.0], [8.0, 9.0]] and vectors.dtype == np.float32
    with pytest.raises(XlclustError, match="6 pieces but 5 mapped rows"):
        aligned_word_vectors(pieces, matrix[:5], {"the"})


def test_a_saved_laser_checkpoint_has_the_same_bytes_on_every_save(tmp_path):
    """torch names the archive's folder after the file it writes: saved through a buffer, the atomic
    temporary's random name does not reach the bytes."""
    from xlclust.tagging.laser import LaserEncoder, save_laser

    torch.manual_seed(0)
    encoder, dictionary = LaserEncoder(5, 1, 8, 6, 2, True), {"a": 4}
    save_laser(encoder, dictionary, tmp_path / "one.pt")
    save_laser(encoder, dictionary, tmp_path / "two.pt")
    assert (tmp_path / "one.pt").read_bytes() == (tmp_path / "two.pt").read_bytes()


def test_a_regularization_study_runs_every_trial_in_one_call_and_marks_the_best(conll_runs, tmp_path):
    """§Training's Bayesian optimization at the demo's budget: one random trial and one guided one,
    each a LASER-top tagger trained on the source language and scored on its dev set."""
    from xlclust.tagging.optimization import run_study
    from xlclust.tagging.run import Resources
    from xlclust.tagging.training import TaggerTraining

    data, laser = conll_runs
    study = {
        "bounds": {"embedding_dropout": [0.0, 0.5], "dropout": [0.0, 0.5], "weight_decay": [1e-5, 1e-2]},
        "init_points": 1,
        "iterations": 1,
    }
    settings = dict(
        task="ner",
        embedder="laser_top",
        data=data,
        english="nl",
        classes=["PER", "LOC", "ORG", "MISC"],
        ner_mode="conlleval",
        resources=Resources(laser),
        tagger_settings={"model_dim": 16, "heads": 2, "layers": 1, "feedforward": 16, "embedding_dropout": 0.25, "dropout": 0.15},
        embedder_settings=EMBEDDER_SETTINGS,
        training=TaggerTraining("sgd_1cycle", 0.05, 1e-3, 0.95, 2, 16, None, 1.0, "decrease"),
        lowercase=True,
        study=study,
        seed=3,
    )
    trials = run_study(**settings, checkpoint_dir=tmp_path / "a")
    assert list(trials["trial"]) == [0, 1] and trials["chosen"].sum() == 1
    assert trials["embedding_dropout"].between(0, 0.5).all() and trials["weight_decay"].between(1e-5, 1e-2).all()
    assert trials.loc[trials["chosen"], "dev_score"].item() == trials["dev_score"].max() and trials["dev_score"].between(0, 100).all()
    assert trials.iloc[0]["dropout"] != trials.iloc[1]["dropout"]  # the guided trial is a new point
    again = run_study(**settings, checkpoint_dir=tmp_path / "b")
    assert again.equals(trials)  # seeded: the same study twice
