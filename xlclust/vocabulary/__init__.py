"""Monolingual subword vocabularies (BPEmb or trained), their embeddings, the joint vocabulary."""
