"""SentencePiece model files: read one, and make a trained one the same bytes on every rerun."""

from __future__ import annotations

import os
from pathlib import Path

from sentencepiece import sentencepiece_model_pb2 as model_pb2

from xlclust.errors import XlclustError


def load_model_proto(path: str | os.PathLike) -> model_pb2.ModelProto:
    path = Path(path)
    if not path.is_file():
        raise XlclustError(f"{path}: SentencePiece model not found")
    proto = model_pb2.ModelProto()
    try:
        proto.ParseFromString(path.read_bytes())
    except Exception as error:  # protobuf raises DecodeError and friends
        raise XlclustError(f"{path}: not a SentencePiece model ({error})") from error
    if not proto.pieces:
        raise XlclustError(f"{path}: not a SentencePiece model (no pieces)")
    return proto


def drop_training_paths(path: str | os.PathLike) -> None:
    """Clear what SentencePiece records of the training run in a model it trained — its temporary
    paths and its thread count (BPE's pieces do not depend on it; unigram trains on one thread,
    :func:`xlclust.vocabulary.segmenter_training.run_sentencepiece_trainer`) — so that reruns, with any number
    of cores, write identical bytes."""
    path = Path(path)
    proto = load_model_proto(path)
    proto.trainer_spec.model_prefix = ""
    del proto.trainer_spec.input[:]
    proto.trainer_spec.ClearField("num_threads")
    path.write_bytes(proto.SerializeToString())
