"""Extractive question answering: TyDi QA GoldP data, features, fine-tuning, prediction, SQuAD metrics."""
