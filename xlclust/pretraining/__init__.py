"""Corpus encoding and masked-LM pretraining (ICEBERT §3.3–3.4)."""
