"""The linear learning-rate schedule that pretraining, the low-resource alignment and the taggers'
fine-tuning share: BERT's linear warm-up to the peak rate, then linear decay to 0 at the last step."""

from __future__ import annotations

from collections.abc import Callable


def linear_schedule(warmup: int, total: int, *, one_minus: bool = False) -> Callable[[int], float]:
    """The factor of the peak learning rate at each step (``LambdaLR``'s ``lr_lambda``).

    ``one_minus`` computes the decay as ``1 − (step − warmup) / (total − warmup)`` instead of
    ``(total − step) / max(1, total − warmup)``: the same line, but rounded differently in the last
    bit of some factors. The taggers' ``adamw_linear`` (no warm-up) has always used that form, and
    keeps it so that its learning rates, and so its weights, stay the same to the bit; it also keeps
    that form's ZeroDivisionError on a run of no steps."""

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        if one_minus:
            return max(0.0, 1.0 - (step - warmup) / (total - warmup))
        return max(0.0, (total - step) / max(1, total - warmup))

    return factor
