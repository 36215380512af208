"""A LASER-style encoder pretrained on translation (Artetxe & Schwenk 2019), for where LASER itself
cannot be had (the offline demo) or a new one is wanted: BPE learnt on the lower-cased,
punctuation-normalized text of every language (subword-nmt); an encoder of BPE embeddings and a
BiLSTM whose top layer, max-pooled over time, is the sentence embedding; a decoder LSTM that
translates from that embedding alone (it starts the decoder's state and joins every input, with
the target language's embedding). The encoder is saved in LASER's own checkpoint layout."""

from __future__ import annotations

import io
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from xlclust.tagging.batch import pad
from xlclust.tagging.laser import LaserEncoder

SPECIALS = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}  # fairseq's order, as in LASER's dictionary


def learn_bpe_files(texts: list[str], merges: int, codes_path: str | os.PathLike, vocab_path: str | os.PathLike) -> dict[str, int]:
    """BPE codes and vocabulary (``piece count`` a line) learnt on ``texts`` (already normalized),
    and the dictionary of an encoder over them: the specials, then the pieces by frequency."""
    from subword_nmt.apply_bpe import BPE
    from subword_nmt.learn_bpe import learn_bpe

    codes = io.StringIO()
    learn_bpe(io.StringIO("\n".join(texts) + "\n"), codes, merges, min_frequency=2)
    Path(codes_path).write_text(codes.getvalue(), encoding="utf-8")
    bpe = BPE(io.StringIO(codes.getvalue()))
    counts = Counter(piece for text in texts for piece in bpe.segment_tokens(text.split()))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    Path(vocab_path).write_text("".join(f"{piece} {count}\n" for piece, count in ranked), encoding="utf-8")
    return SPECIALS | {piece: len(SPECIALS) + index for index, (piece, _) in enumerate(ranked)}


@dataclass
class TranslationBatch:
    source_ids: torch.Tensor  # (batch, length), right-padded
    source_lengths: torch.Tensor
    target_ids: torch.Tensor  # (batch, length), ending in </s>, padded
    target_language: torch.Tensor  # (batch,)


def translation_batch(sources: list, targets: list, languages: list[int]) -> TranslationBatch:
    return TranslationBatch(
        pad(sources, SPECIALS["<pad>"]), torch.tensor([len(s) for s in sources]), pad(targets, SPECIALS["<pad>"]), torch.tensor(languages)
    )


class LaserTranslator(nn.Module):
    """LASER's training architecture: the encoder, a max-pooled sentence embedding, a decoder LSTM."""

    def __init__(
        self, vocab_size: int, embed_dim: int, hidden_size: int, layers: int, decoder_size: int, languages: int, language_dim: int = 32
    ):
        super().__init__()
        self.encoder = LaserEncoder(vocab_size, SPECIALS["<pad>"], embed_dim, hidden_size, layers, True)
        self.target_embed = nn.Embedding(vocab_size, embed_dim, padding_idx=SPECIALS["<pad>"])
        self.language_embed = nn.Embedding(languages, language_dim)
        self.initial_state = nn.Linear(2 * hidden_size, decoder_size)
        self.decoder = nn.LSTM(embed_dim + 2 * hidden_size + language_dim, decoder_size, batch_first=True)
        self.output = nn.Linear(decoder_size, vocab_size)

    def sentence_embedding(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        top = self.encoder(ids, lengths)[-1]
        padded = torch.arange(ids.shape[1], device=ids.device).unsqueeze(0) >= lengths.to(ids.device).unsqueeze(1)
        return top.masked_fill(padded.unsqueeze(2), float("-inf")).max(dim=1).values

    def loss(self, batch: TranslationBatch) -> torch.Tensor:
        """Cross-entropy of the target pieces, each predicted from the sentence embedding, the target
        language and the pieces before it (``</s>`` starts the sequence, as fairseq's decoders do)."""
        sentence = self.sentence_embedding(batch.source_ids, batch.source_lengths)
        previous = torch.cat([torch.full_like(batch.target_ids[:, :1], SPECIALS["</s>"]), batch.target_ids[:, :-1]], dim=1)
        steps = previous.shape[1]
        inputs = torch.cat(
            [
                self.target_embed(previous),
                sentence.unsqueeze(1).expand(-1, steps, -1),
                self.language_embed(batch.target_language).unsqueeze(1).expand(-1, steps, -1),
            ],
            dim=2,
        )
        state = torch.tanh(self.initial_state(sentence)).unsqueeze(0)
        hidden, _ = self.decoder(inputs, (state, torch.zeros_like(state)))
        logits = self.output(hidden)
        return nn.functional.cross_entropy(logits.transpose(1, 2), batch.target_ids, ignore_index=SPECIALS["<pad>"])
