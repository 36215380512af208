"""Named-entity recognition for language clustering (Shaffer 2021): the training groups of each
training scheme, fine-tuning, and the tables (its data readers and span scores: xlclust.token_classification)."""
