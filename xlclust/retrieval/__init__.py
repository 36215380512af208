"""MIRACL passage retrieval and reranking ("Tomato, Tomahto, Tomate" §3, Table 2): the data in
MIRACL's published layout (:mod:`.miracl`), TREC run files and nDCG@10 as trec_eval computes it
(:mod:`.trec`), BM25 candidates (:mod:`.bm25`), a DPR bi-encoder with a resumable sharded corpus
encoding (:mod:`.dpr`, :mod:`.shards`) searched through :mod:`xlclust.search` (:mod:`.index`), and a
monoBERT cross-encoder (:mod:`.rerank`)."""
