"""What every training job shares: the device and precision, stop signals, checksummed checkpoints
and run fingerprints, the Hugging Face Trainer loop of the task heads, and how a trained model is saved
with its logs. Pretraining and every fine-tuning task (TyDi QA, language ID, NER) build on it."""
