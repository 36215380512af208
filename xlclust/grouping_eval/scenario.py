"""Which scenario an evaluation score belongs to ("Tomato, Tomahto, Tomate" Table 5 and Fig. 9): a
model trained on every language's data (``all``, App. A) or on a language scored on itself is
in-language; a language's model scored on another language is zero-shot. Imported by the evaluation
jobs, so it imports nothing heavy."""

ALL = "all"  # the training on every language's training data (App. A)
IN_LANGUAGE, ZERO_SHOT = "in_language", "zero_shot"


def scenario(training: str, language: str) -> str:
    """``in_language`` for the ``all`` training and for a language-code training scored on its own
    language, ``zero_shot`` for that training scored on any other."""
    return IN_LANGUAGE if training in (ALL, language) else ZERO_SHOT
