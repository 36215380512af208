"""Natural language inference: XNLI's files and the Hub's copy (checked row by row), NLI fine-tuning
and accuracy."""
