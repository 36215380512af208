"""Tokenizers: cluster-ID and grouped tokenizers, the SentencePiece baseline, corpus-speed encoding."""


def segments_per_language(tokenizer) -> bool:
    """Whether the tokenizer reads each language with its own segmenter (cluster tokenizers, loaded
    with their own code, so this asks the object rather than its class) and needs ``language=``."""
    return hasattr(tokenizer, "using_language")


def language_kwargs(tokenizer, language: str | None) -> dict:
    """``language=`` for tokenizers that segment per language, nothing for others."""
    return {"language": language} if segments_per_language(tokenizer) else {}
