"""Contextual multilingual word embeddings compared on NER and POS (van der Heijden, Abnar & Shutova):
word embedders (static, subword, LASER's BiLSTM, Transformers), one sequence tagger with a CRF, and
the zero-shot and joint-training scenarios."""
