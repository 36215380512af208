"""Unsupervised word-pair mining and per-language alignment of a multilingual LM (Hangya, Saadi &
Fraser 2022): contextual word retrieval and zero-shot NER for low-resource languages."""
