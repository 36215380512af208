"""The demo's stand-ins for mBERT and XLM-R: tiny masked-LMs with random weights — a BERT with a
cased WordPiece tokenizer, an XLM-R with a SentencePiece unigram tokenizer, both learnt from the
given sentences — saved as Hugging Face model directories."""

from __future__ import annotations

import os
from collections.abc import Iterable

from xlclust.atomic import atomic_directory

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def wordpiece_vocabulary(texts: Iterable[str], vocab_size: int, seed: int) -> list[str]:
    """A WordPiece vocabulary (``word``, ``##piece``) from a SentencePiece BPE model: the
    tokenizers library's WordPiece trainer breaks frequency ties in hash order, so its IDs
    change from run to run; SentencePiece on one thread does not."""
    processor = _sentencepiece(texts, vocab_size - len(SPECIALS), "bpe", seed)
    vocabulary = list(SPECIALS)
    for index in range(processor.get_piece_size()):
        if processor.is_control(index) or processor.is_unknown(index):
            continue
        piece = processor.id_to_piece(index)
        words = [piece[1:]] if piece.startswith("▁") else ["##" + piece]
        if len(piece) == 1:  # every character can start a word and continue one
            words = [piece, "##" + piece]
        vocabulary += [w for w in words if w and w != "##"]
    return list(dict.fromkeys(vocabulary))


def _sentencepiece(texts: Iterable[str], vocab_size: int, model_type: str, seed: int):
    """A SentencePiece model trained on one thread (reproducible IDs)."""
    import io

    import sentencepiece as spm

    spm.set_random_generator_seed(seed)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts),
        model_writer=model,
        vocab_size=vocab_size,
        model_type=model_type,
        character_coverage=0.9995,
        num_threads=1,
        hard_vocab_limit=False,
        minloglevel=2,
    )
    return spm.SentencePieceProcessor(model_proto=model.getvalue())


def wordpiece_tokenizer(vocabulary: list[str]):
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    tokenizer = Tokenizer(models.WordPiece({token: i for i, token in enumerate(vocabulary)}, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=False)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece()
    cls, sep = vocabulary.index("[CLS]"), vocabulary.index("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls), ("[SEP]", sep)]
    )
    return tokenizer


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
    """``model_class(config)`` with weights drawn from ``seed``, written with its tokenizer
    atomically; returns the vocabulary size."""
    import torch

    torch.manual_seed(seed)
    model = model_class(config)
    with atomic_directory(out_dir) as tmp:
        tokenizer.save_pretrained(tmp)
        model.save_pretrained(tmp)
    return len(tokenizer)


def xlmr_tokenizer(texts: Iterable[str], vocab_size: int, max_positions: int, seed: int):
    """An ``XLMRobertaTokenizer`` over a SentencePiece unigram model, with XLM-R's layout: <s>,
    <pad>, </s>, <unk> first, <mask> last."""
    from transformers import XLMRobertaTokenizer

    processor = _sentencepiece(texts, vocab_size - 5, "unigram", seed)
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
