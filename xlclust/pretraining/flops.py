"""Model FLOPs of BERT masked-LM training, for throughput and MFU figures.

Per token, a forward and backward pass cost 6 FLOPs per weight it multiplies with (Kaplan et al.
2020) plus attention's score and value products, 12·layers·hidden·sequence (Chowdhery et al. 2022,
appendix B). Embedding look-ups are free; the output projection onto the vocabulary is counted.
"""

from __future__ import annotations

# dense bf16 peaks (TFLOP/s) from the vendors' data sheets, by a name fragment of the device
PEAK_BF16_TFLOPS = {
    "H200": 989.0,
    "H100 SXM": 989.0,
    "H100 NVL": 835.0,
    "H100 PCIe": 756.0,
    "H100": 989.0,
    "A100": 312.0,
    "L40S": 362.0,
    "A10G": 70.0,
    "V100": 125.0,
}


def flops_per_token(config, seq_len: int) -> float:
    h, layers, inter, vocab = config.hidden_size, config.num_hidden_layers, config.intermediate_size, config.vocab_size
    per_layer = 4 * h * h + 2 * h * inter  # Q, K, V, output; the two feed-forward matrices
    head = h * h + h * vocab  # the MLM transform and the projection onto the vocabulary
    return 6.0 * (layers * per_layer + head) + 12.0 * layers * h * seq_len


def peak_tflops(device_name: str) -> float | None:
    for fragment, peak in PEAK_BF16_TFLOPS.items():
        if fragment.lower() in device_name.lower():
            return peak
    return None
