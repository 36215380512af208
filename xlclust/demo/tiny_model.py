"""The demo's stand-in for mBERT: a tiny BERT masked-LM with random weights and a cased WordPiece
tokenizer learnt from the demo world's sentences, saved as a Hugging Face model directory."""

from __future__ import annotations

import os
from typing import Iterable

from xlclust.atomic import atomic_directory

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def wordpiece_vocabulary(texts: Iterable[str], vocab_size: int, seed: int) -> list[str]:
    """A WordPiece vocabulary (``word``, ``##piece``) from a SentencePiece BPE model: the
    tokenizers library's WordPiece trainer breaks frequency ties in hash order, so its IDs
    change from run to run; SentencePiece on one thread does not."""
    import io

    import sentencepiece as spm

    spm.set_random_generator_seed(seed)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(texts), model_writer=model, vocab_size=vocab_size - len(SPECIALS),
                                   model_type="bpe", character_coverage=0.9995, num_threads=1, hard_vocab_limit=False,
                                   minloglevel=2)
    processor = spm.SentencePieceProcessor(model_proto=model.getvalue())
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


def build_tiny_model(texts: Iterable[str], out_dir: str | os.PathLike, *, vocab_size: int, hidden_size: int, layers: int,
                     heads: int, max_positions: int, seed: int) -> int:
    """Write the model directory; returns the vocabulary size."""
    import torch
    from transformers import BertConfig, BertForMaskedLM, PreTrainedTokenizerFast

    backend = wordpiece_tokenizer(wordpiece_vocabulary(texts, vocab_size, seed))
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                                        sep_token="[SEP]", mask_token="[MASK]", model_max_length=max_positions)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=hidden_size, num_hidden_layers=layers, num_attention_heads=heads,
                        intermediate_size=4 * hidden_size, max_position_embeddings=max_positions,
                        pad_token_id=tokenizer.pad_token_id)
    torch.manual_seed(seed)
    model = BertForMaskedLM(config)
    with atomic_directory(out_dir) as tmp:
        tokenizer.save_pretrained(tmp)
        model.save_pretrained(tmp)
    return len(tokenizer)
