"""A Hugging Face fast tokenizer whose IDs are groups of an original tokenizer's tokens.

The original tokenizer (its ``tokenizer.json``) segments the text unchanged; every token ID it
produces is then replaced by the ID of the token's group (``token_groups.json``: one group per
original ID, and a representative original ID per group, used to decode). Tokens, offsets, word
IDs and special-token masks are the original tokenizer's, so span tasks work unchanged.

This module is saved beside the tokenizer (``register_for_auto_class``), so it imports nothing
from xlclust: ``AutoTokenizer.from_pretrained(path, trust_remote_code=True)`` loads it anywhere.
"""

from __future__ import annotations

import json
import os

import numpy as np
from transformers.tokenization_utils_tokenizers import TokenizersBackend

GROUPS_FILE = "token_groups.json"


class GroupedTokenizer(TokenizersBackend):
    vocab_files_names = {"tokenizer_file": "tokenizer.json", "groups_file": GROUPS_FILE}
    model_input_names = ["input_ids", "token_type_ids", "attention_mask"]

    @classmethod
    def convert_to_native_format(cls, trust_remote_code=False, **kwargs):
        # always build the backend from the original tokenizer.json, untouched
        return dict(kwargs)

    def __init__(self, tokenizer_file=None, groups_file=None, *, groups=None, representatives=None, **kwargs):
        if groups is None:
            if groups_file is None or not os.path.isfile(groups_file):
                raise ValueError(f"a grouped tokenizer needs its {GROUPS_FILE} (got {groups_file!r})")
            with open(groups_file, encoding="utf-8") as handle:
                saved = json.load(handle)
            groups, representatives = saved["groups"], saved["representatives"]
        self._groups = np.asarray(groups, dtype=np.int64)
        self._representatives = np.asarray(representatives, dtype=np.int64)
        if len(self._groups) and not (0 <= self._groups.min() and self._groups.max() < len(self._representatives)):
            raise ValueError("token groups must lie in 0…n_groups−1")
        if np.any(self._groups[self._representatives] != np.arange(len(self._representatives))):
            raise ValueError("each group's representative must be one of its members")
        super().__init__(tokenizer_file=tokenizer_file, **kwargs)
        if self._tokenizer.get_vocab_size(with_added_tokens=True) > len(self._groups):
            raise ValueError(
                f"the original tokenizer has {self._tokenizer.get_vocab_size(with_added_tokens=True)} tokens "
                f"but {GROUPS_FILE} groups only {len(self._groups)}"
            )

    # the backend's post-processor, padding and added tokens stay in original IDs
    def update_post_processor(self):
        pass

    def _add_tokens(self, new_tokens, special_tokens=False) -> int:
        known = self._tokenizer.get_vocab(with_added_tokens=True)
        unknown = [str(token) for token in new_tokens if str(token) not in known]
        if unknown:
            raise ValueError(f"a grouped tokenizer's vocabulary is fixed; cannot add {unknown[:5]}")
        return 0

    def _to_groups(self, ids):
        return self._groups[np.asarray(ids, dtype=np.int64)].tolist()

    def _convert_encoding(self, encoding, *args, **kwargs):
        encoding_dict, encodings = super()._convert_encoding(encoding, *args, **kwargs)
        pad = self.pad_token_id
        mapped = []
        for e, ids in zip(encodings, encoding_dict["input_ids"]):
            # the backend padded with our pad ID, which is no original ID: padding is where the mask is 0
            real = np.asarray(e.attention_mask, dtype=bool)
            group_ids = self._groups[np.where(real, np.asarray(ids, dtype=np.int64), 0)]
            if pad is not None:
                group_ids = np.where(real, group_ids, pad)
            mapped.append(group_ids.tolist())
        encoding_dict["input_ids"] = mapped
        return encoding_dict, encodings

    def _encode_without_added_tokens(self, text: str) -> list[int]:
        return self._to_groups(super()._encode_without_added_tokens(text))

    def _convert_token_to_id_with_added_voc(self, token: str) -> int:
        index = self._tokenizer.token_to_id(token)
        if index is None:
            return self.unk_token_id if token != self.unk_token else None
        return int(self._groups[index])

    def _convert_id_to_token(self, index: int) -> str | None:
        return self._tokenizer.id_to_token(int(self._representatives[int(index)]))

    def convert_ids_to_tokens(self, ids, skip_special_tokens: bool = False):
        if isinstance(ids, int):
            return self._convert_id_to_token(ids)
        skip = set(self.all_special_ids) if skip_special_tokens else set()
        return [self._convert_id_to_token(i) for i in ids if int(i) not in skip]

    def _decode(self, token_ids, skip_special_tokens: bool = False, clean_up_tokenization_spaces=None, **kwargs) -> str:
        """Each group decodes as its representative token: grouping is lossy by design."""
        if isinstance(token_ids, dict):
            token_ids = token_ids["input_ids"]
        if isinstance(token_ids, int):
            token_ids = [token_ids]
        if skip_special_tokens:
            skip = set(self.all_special_ids)
            token_ids = [i for i in token_ids if int(i) not in skip]
        original = self._representatives[np.asarray(token_ids, dtype=np.int64)].tolist()
        return super()._decode(original, skip_special_tokens=False, clean_up_tokenization_spaces=clean_up_tokenization_spaces, **kwargs)

    @property
    def vocab_size(self) -> int:
        return len(self._representatives)

    def __len__(self) -> int:
        return self.vocab_size

    def get_vocab(self) -> dict[str, int]:
        """Every original token with its group's ID (many tokens share one ID)."""
        return {token: int(self._groups[index]) for token, index in self._tokenizer.get_vocab(with_added_tokens=True).items()}

    def _save_pretrained(self, save_directory, file_names, legacy_format=None, filename_prefix=None):
        file_names = super()._save_pretrained(save_directory, file_names, legacy_format, filename_prefix)
        path = os.path.join(str(save_directory), (filename_prefix + "-" if filename_prefix else "") + GROUPS_FILE)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump({"groups": self._groups.tolist(), "representatives": self._representatives.tolist()}, handle)
        return file_names + (path,)
