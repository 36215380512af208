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

    def to(self, device) -> TranslationBatch:
        return TranslationBatch(*(value.to(device) for value in vars(self).values()))


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


def pretrain_laser(
    parallel: dict[str, tuple[list[str], list[str]]],
    english: str,
    settings: dict,
    seed: int,
    output: str | os.PathLike,
    checkpoint_dir: str | os.PathLike,
) -> list[dict]:
    """Learn BPE on all the text, train the translator from every language (English included) into
    English, and write ``laser.pt`` (LASER's layout), ``codes``, ``vocabulary`` and ``training_log.csv``
    into ``output``; the last 5 % of each language's pairs are the dev set of early stopping."""
    import numpy as np
    import pandas as pd
    from sacremoses import MosesPunctNormalizer, MosesTokenizer

    from xlclust.atomic import atomic_directory
    from xlclust.tagging.laser import save_laser
    from xlclust.tagging.laser_text import LaserPieces, laser_normalize
    from xlclust.tagging.training import TaggerTraining, train_epochs

    def prepared(lines: list[str], language: str) -> list[str]:
        normalizer, tokenizer = MosesPunctNormalizer(lang=language), MosesTokenizer(lang=language)
        return [
            laser_normalize(normalizer, tokenizer.tokenize(line, return_str=True, escape=False, aggressive_dash_splits=False))
            for line in lines
        ]

    sides = {lang: (prepared(eng, english), prepared(other, lang)) for lang, (eng, other) in parallel.items()}
    with atomic_directory(output) as tmp:
        all_text = [line for eng, other in sides.values() for line in (*eng, *other)]
        dictionary = learn_bpe_files(all_text, settings["merges"], tmp / "codes", tmp / "vocabulary")
        pieces = LaserPieces(tmp / "codes", tmp / "vocabulary", dictionary, english)
        encoded = [
            (pieces.encode(source.split())[0], pieces.encode(target.split())[0])
            for eng, other in sides.values()
            for source, target in (*zip(other, eng), *zip(eng, eng))
        ]
        dev_every = 20  # every 20th pair is held out: 5 %
        train = [pair for i, pair in enumerate(encoded) if i % dev_every]
        dev = [pair for i, pair in enumerate(encoded) if not i % dev_every]
        torch.manual_seed(seed)
        model = LaserTranslator(
            len(dictionary), settings["embed_dim"], settings["hidden_size"], settings["layers"], settings["decoder_size"], languages=1
        )

        def batch_of(pairs):
            return lambda indices: translation_batch([pairs[i][0] for i in indices], [pairs[i][1] for i in indices], [0] * len(indices))

        def dev_score(trained) -> float:
            losses = [float(trained.loss(batch_of(dev)(range(s, min(s + 256, len(dev)))))) for s in range(0, len(dev), 256)]
            return -float(np.mean(losses))

        epochs, rate = settings["epochs"], settings["learning_rate"]
        training = TaggerTraining("adam", rate, 0.0, 0.9, epochs, settings["batch_size"], epochs, 1.0, "no_improvement")
        identity = {"laser_pretraining": settings, "dictionary": len(dictionary), "pairs": len(train)}
        model, rows = train_epochs(model, batch_of(train), len(train), dev_score, training, seed, checkpoint_dir, identity)
        save_laser(model.encoder, dictionary, tmp / "laser.pt")
        pd.DataFrame(rows).to_csv(tmp / "training_log.csv", index=False)
    return rows
