"""The demo's stand-ins for mBERT and XLM-R: tiny masked-LMs with random weights — a BERT with a
cased WordPiece tokenizer, an XLM-R with a SentencePiece unigram tokenizer, both learnt from the
given sentences — saved as Hugging Face model directories."""

from __future__ import annotations

import os
from collections.abc import Iterable

from xlclust.atomic import atomic_directory
from xlclust.initialization import new_random_model
from xlclust.tokenization.wordpiece import train_sentencepiece, wordpiece_tokenizer, wordpiece_vocabulary


def build_tiny_model(
    texts: Iterable[str],
    out_dir: str | os.PathLike,
    *,
    vocab_size: int,
    hidden_size: int,
    layers: int,
    heads: int,
    max_positions: int,
    seed: int,
) -> int:
    """Write the model directory; returns the vocabulary size."""
    from transformers import BertConfig, BertForMaskedLM, PreTrainedTokenizerFast

    backend = wordpiece_tokenizer(wordpiece_vocabulary(texts, vocab_size, seed))
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=max_positions,
    )
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        intermediate_size=4 * hidden_size,
        max_position_embeddings=max_positions,
        pad_token_id=tokenizer.pad_token_id,
    )
    return save_random_model(BertForMaskedLM, config, tokenizer, out_dir, seed)


def save_random_model(model_class, config, tokenizer, out_dir: str | os.PathLike, seed: int) -> int:
    """``model_class(config)`` with the project's initialization from ``seed`` (never the library's
    default, which a release may change), written with its tokenizer atomically; returns the
    vocabulary size."""
    model = new_random_model(model_class, config, seed)
    with atomic_directory(out_dir) as tmp:
        tokenizer.save_pretrained(tmp)
        model.save_pretrained(tmp)
    return len(tokenizer)


def xlmr_tokenizer(texts: Iterable[str], vocab_size: int, max_positions: int, seed: int):
    """An ``XLMRobertaTokenizer`` over a SentencePiece unigram model, with XLM-R's layout: <s>,
    <pad>, </s>, <unk> first, <mask> last."""
    from transformers import XLMRobertaTokenizer

    processor = train_sentencepiece(texts, vocab_size - 5, "unigram", seed)
    pieces = [
        (processor.id_to_piece(i), processor.get_score(i))
        for i in range(processor.get_piece_size())
        if not (processor.is_control(i) or processor.is_unknown(i))
    ]
    vocabulary = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), *pieces, ("<mask>", 0.0)]
    return XLMRobertaTokenizer(vocab=vocabulary, model_max_length=max_positions - 2)


def build_tiny_xlmr(
    texts: Iterable[str],
    out_dir: str | os.PathLike,
    *,
    vocab_size: int,
    hidden_size: int,
    layers: int,
    heads: int,
    max_positions: int,
    seed: int,
) -> int:
    """An XLM-R-shaped masked LM with random weights (``max_positions`` counts XLM-R's two offset
    positions, as its 514 do); returns the vocabulary size."""
    from transformers import XLMRobertaConfig, XLMRobertaForMaskedLM

    tokenizer = xlmr_tokenizer(texts, vocab_size, max_positions, seed)
    config = XLMRobertaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        intermediate_size=4 * hidden_size,
        max_position_embeddings=max_positions,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    return save_random_model(XLMRobertaForMaskedLM, config, tokenizer, out_dir, seed)


XLM_SPECIALS = ["<s>", "</s>", "<pad>", "<unk>", *(f"<special{i}>" for i in range(10))]  # XLM's first 14 IDs


def xlm_tokenizer(texts: list[str], merges: int, languages: list[str], max_positions: int, directory: str | os.PathLike):
    """An ``XLMTokenizer`` (Moses, lower-casing and accent removal, then BPE) written to ``directory``:
    BPE merges learnt with subword-nmt on the texts as the tokenizer normalizes them, a vocabulary of
    XLM's specials and every piece the texts segment into, and a language ID per language."""
    import io
    import json
    from collections import Counter
    from pathlib import Path

    from subword_nmt.learn_bpe import learn_bpe
    from transformers import XLMTokenizer

    directory = Path(directory)
    lang2id = {lang: index for index, lang in enumerate(languages)}
    files = {"vocab_file": directory / "vocab.json", "merges_file": directory / "merges.txt"}
    options = {"lang2id": lang2id, "id2lang": {index: lang for lang, index in lang2id.items()}, "model_max_length": max_positions}
    files["vocab_file"].write_text(json.dumps({token: i for i, token in enumerate(XLM_SPECIALS)}), encoding="utf-8")
    files["merges_file"].write_text("", encoding="utf-8")
    characters = XLMTokenizer(**files, **options)  # no merges yet: words normalized, in characters ending in </w>
    normalized = [" ".join("".join(characters.tokenize(text, lang="en")).split("</w>")).strip() for text in texts]
    codes = io.StringIO()
    learn_bpe(io.StringIO("\n".join(normalized) + "\n"), codes, merges, min_frequency=2)
    files["merges_file"].write_text(
        "".join(line for line in codes.getvalue().splitlines(True) if not line.startswith("#")), encoding="utf-8"
    )
    segmenter = XLMTokenizer(**files, **options)
    counts = Counter(piece for text in texts for piece in segmenter.tokenize(text, lang="en"))
    pieces = [piece for piece, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    files["vocab_file"].write_text(json.dumps({token: i for i, token in enumerate([*XLM_SPECIALS, *pieces])}), encoding="utf-8")
    return XLMTokenizer(**files, **options)


def build_tiny_xlm(
    texts: list[str],
    out_dir: str | os.PathLike,
    *,
    languages: list[str],
    merges: int,
    hidden_size: int,
    layers: int,
    heads: int,
    max_positions: int,
    seed: int,
) -> int:
    """An XLM-shaped masked LM (``xlm-mlm-tlm-xnli15-1024``'s layout: language embeddings, sinusoidal
    positions off) with random weights; returns the vocabulary size."""
    import tempfile

    from transformers import XLMConfig, XLMWithLMHeadModel

    with tempfile.TemporaryDirectory() as scratch:
        tokenizer = xlm_tokenizer(texts, merges, languages, max_positions, scratch)
        config = XLMConfig(
            vocab_size=len(tokenizer),
            emb_dim=hidden_size,
            n_layers=layers,
            n_heads=heads,
            max_position_embeddings=max_positions,
            n_langs=len(languages),
            use_lang_emb=True,
            lang2id=tokenizer.lang2id,
            id2lang=tokenizer.id2lang,
        )
        return save_random_model(XLMWithLMHeadModel, config, tokenizer, out_dir, seed)
