"""Language clustering (Shaffer 2021 §3): language identification fine-tuning, one vector
per sentence, Ward clustering of the vectors and a majority vote per language."""
