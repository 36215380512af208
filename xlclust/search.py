"""Nearest-neighbour search through faiss, the one module for it: alignment (BLI, PROC-B), the
translation graph, semantic grouping's k-means, word-pair mining and MIRACL's dense retrieval (its
sharded exact search and its resumable IVF/HNSW builds, :mod:`xlclust.retrieval.index`) all search
through it, and every IVF or HNSW index is built by :func:`approximate_index`.

Similarity is the inner product; callers pass unit rows (:func:`unit_rows`) for cosine. Search is
exact by default (faiss's blocked BLAS top-k, ``index: flat``) and gives what the numpy reference
(:mod:`xlclust.search_reference`) gives, up to the order of equal scores, which is made canonical
here: best first, the lower key row first among equals. ``index: ivf`` or ``hnsw`` trade exactness
for speed where hundreds of languages make exact search the bottleneck (recall measured by
``benchmarks/search.py``). ``device: auto`` searches on the GPU when faiss sees one (faiss-gpu).

CSLS (Conneau et al. 2018): csls(x, y) = 2 cos(x, y) − r_T(x) − r_S(y), r_T(x) the mean cosine of
x to its k nearest targets, r_S(y) that of y to its k nearest sources. For one query r_T(x) is a
constant, so its best targets are those of highest [x, 1]·[2y, −r_S(y)]: an inner-product search
over targets with one extra dimension, exact like the others.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from functools import cache

import numpy as np

from xlclust.atomic import atomic_path
from xlclust.errors import XlclustError

log = logging.getLogger(__name__)

DEVICES = ("auto", "cpu", "gpu")
INDEXES = ("flat", "ivf", "hnsw")


@dataclass(frozen=True)
class SearchSettings:
    """Config ``search`` (the schema holds the same defaults; a test checks they agree)."""

    device: str = "auto"
    index: str = "flat"
    ivf_lists: int | None = None  # None: 4·√n lists for n keys
    ivf_probe: int = 64
    hnsw_links: int = 32
    hnsw_ef_search: int = 256
    seed: int = 0  # of the IVF quantizer's k-means


EXACT = SearchSettings()


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def faiss_module():
    try:
        import faiss
    except ImportError as error:
        raise XlclustError(
            "faiss is not installed: pip install -e '.[cpu]' (or '.[gpu]' on a GPU node, CUDA 12), "
            "or use the rule's conda env (snakemake --sdm conda)"
        ) from error
    return faiss


def set_threads(threads: int | None) -> None:
    """faiss's OpenMP threads: the job's ``threads:``, never more (None: leave as set)."""
    if threads:
        faiss_module().omp_set_num_threads(int(threads))


def gpu_count() -> int:
    faiss = faiss_module()
    return faiss.get_num_gpus() if hasattr(faiss, "StandardGpuResources") else 0


def use_gpu(device: str) -> bool:
    """Whether to search on the GPU: ``gpu`` insists (an error without one), ``auto`` when there is one."""
    if device not in DEVICES:
        raise XlclustError(f"config key 'search.device': {device!r} is not one of {DEVICES}")
    if device == "cpu":
        return False
    gpus = gpu_count()
    if device == "gpu" and gpus == 0:
        raise XlclustError(
            "config key 'search.device' is gpu, but faiss sees no GPU: install faiss-gpu (pip install 'xlclust[gpu]', "
            "CUDA 12) on a GPU node, or set search.device: auto"
        )
    return gpus > 0


@cache
def gpu_resources():
    return faiss_module().StandardGpuResources()


def canonical_order(similarities: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each result row best first, equal similarities by lower key row (faiss's heap leaves them in
    any order)."""
    order = np.lexsort((rows, -similarities), axis=-1)
    return np.take_along_axis(similarities, order, -1), np.take_along_axis(rows, order, -1)


def approximate_index(settings: SearchSettings, train: np.ndarray, keys: int | None = None):
    """An empty inner-product index of kind ``settings.index`` (ivf or hnsw) on the CPU, for keys of
    ``train``'s dimension, to fill with :func:`add_keys` and search where :func:`on_device` puts it.

    IVF: its coarse quantizer trained on ``train`` (faiss k-means seeded by ``settings.seed``) into
    ``settings.ivf_lists`` lists (None: 4·√keys, ``keys`` the count the index will hold, by default
    ``len(train)``; never more than the training vectors), ``ivf_probe`` of them visited per query.
    HNSW: ``hnsw_links`` links per node, ``hnsw_ef_search`` candidates while searching (``train``
    gives only the dimension)."""
    faiss = faiss_module()
    train = np.ascontiguousarray(train, dtype=np.float32)
    dim = train.shape[1]
    if settings.index == "hnsw":
        index = faiss.IndexHNSWFlat(dim, settings.hnsw_links, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = settings.hnsw_ef_search
        return index
    if settings.index != "ivf":
        raise XlclustError(f"approximate_index: index {settings.index!r} is not ivf or hnsw")
    keys = len(train) if keys is None else keys
    lists = min(len(train), settings.ivf_lists or max(1, round(4 * math.sqrt(keys))))
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, lists, faiss.METRIC_INNER_PRODUCT)
    index.cp.seed = settings.seed
    index.cp.min_points_per_centroid = 1  # no warning for small key sets: they are searched as well
    index.train(train)
    index.nprobe = min(lists, settings.ivf_probe)
    return index


def add_keys(index, keys: np.ndarray) -> None:
    """Add ``keys`` to an :func:`approximate_index` (on the CPU); HNSW on one thread, since insertion
    order decides its graph: the same graph every run."""
    faiss = faiss_module()
    keys = np.ascontiguousarray(keys, dtype=np.float32)
    if not isinstance(index, faiss.IndexHNSW):
        index.add(keys)
        return
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        index.add(keys)
    finally:
        faiss.omp_set_num_threads(threads)


def on_device(index, gpu: bool):
    """The index where it is searched: an IVF index copied to the GPU when ``gpu``
    (:func:`use_gpu`); HNSW stays on the CPU (faiss has no GPU HNSW)."""
    faiss = faiss_module()
    if not gpu:
        return index
    if isinstance(index, faiss.IndexHNSW):
        log.info("HNSW runs on the CPU: faiss has no GPU HNSW")
        return index
    return faiss.index_cpu_to_gpu(gpu_resources(), 0, index)


INDEX_SUFFIX = ".faiss"  # the file name ending of a saved index (faiss's own format)


def write_index(index, path) -> None:
    """Save a CPU index (one from :func:`approximate_index`) to ``path``, atomically."""
    faiss = faiss_module()
    with atomic_path(path, suffix=INDEX_SUFFIX) as tmp:
        faiss.write_index(index, str(tmp))


def read_index(path):
    """An index saved by :func:`write_index`, on the CPU."""
    return faiss_module().read_index(str(path))


def search_index(index, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(similarities, key rows) of an approximate index's ``k`` best keys of every query, best first;
    row −1 where it found fewer than ``k``."""
    similarities, rows = index.search(np.ascontiguousarray(queries, dtype=np.float32), k)
    return canonical_order(similarities, rows.astype(np.int64, copy=False))


def factory_index(factory: str, train: np.ndarray, seed: int = 0, where: str = "index factory"):
    """An empty inner-product index built by faiss's ``index_factory`` from a string such as
    "IVF100,PQ8" (Hangya et al. 2022 App. C), trained on ``train`` (its k-means seeded by ``seed``);
    fill it with :func:`add_keys`. ``where`` names the config key in errors."""
    faiss = faiss_module()
    train = np.ascontiguousarray(train, dtype=np.float32)
    try:
        index = faiss.index_factory(train.shape[1], factory, faiss.METRIC_INNER_PRODUCT)
    except RuntimeError as error:
        raise XlclustError(f"config key '{where}': faiss cannot build the index {factory!r}: {str(error).splitlines()[0]}") from error
    ivf = faiss.try_extract_index_ivf(index)
    if ivf is not None:
        ivf.cp.seed = seed
        ivf.cp.min_points_per_centroid = 1
    if hasattr(index, "do_polysemous_training"):  # codes for Hamming pre-filtering, which search leaves off: slow, unused
        index.do_polysemous_training = False
    if not index.is_trained:
        index.train(train)
    return index


class KeyIndex:
    """The keys of a search, indexed once and searched by any number of query sets. ``factory``: a
    faiss index factory string (e.g. "IVF100,PQ8") that replaces ``settings.index``; ``where`` the
    config key that set it."""

    def __init__(self, keys: np.ndarray, settings: SearchSettings = EXACT, factory: str | None = None, where: str = "search.index"):
        if settings.index not in INDEXES:
            raise XlclustError(f"config key 'search.index': {settings.index!r} is not one of {INDEXES}")
        self.keys = np.ascontiguousarray(keys, dtype=np.float32)
        self.settings, self.factory, self.where = settings, factory, where
        self.gpu = use_gpu(settings.device)
        self.index = None if settings.index == "flat" and factory is None else self._approximate()

    def _approximate(self):
        if self.factory is not None:
            index = factory_index(self.factory, self.keys, self.settings.seed, self.where)
        else:
            index = approximate_index(self.settings, self.keys)
        add_keys(index, self.keys)
        return on_device(index, self.gpu)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(similarities, key rows) of the ``k`` best keys of every query, best first."""
        faiss = faiss_module()
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        k = min(k, len(self.keys))
        if len(queries) == 0 or k == 0:
            return np.zeros((len(queries), k), np.float32), np.zeros((len(queries), k), np.int64)
        if self.index is not None:
            similarities, rows = self.index.search(queries, k)
            if (rows < 0).any():
                raise XlclustError(
                    f"the {self.factory or self.settings.index} index found fewer than {k} neighbours for some queries: "
                    f"raise search.ivf_probe or search.hnsw_ef_search, or use an exact search ({self.where})"
                )
        elif self.gpu:
            similarities, rows = faiss.knn_gpu(gpu_resources(), queries, self.keys, k, metric=faiss.METRIC_INNER_PRODUCT)
        else:
            similarities, rows = faiss.knn(queries, self.keys, k, metric=faiss.METRIC_INNER_PRODUCT)
        return canonical_order(similarities, rows.astype(np.int64, copy=False))


def knn(queries: np.ndarray, keys: np.ndarray, k: int, settings: SearchSettings = EXACT) -> tuple[np.ndarray, np.ndarray]:
    """(similarities, key rows) of the ``k`` keys of highest inner product with every query."""
    return KeyIndex(keys, settings).search(queries, k)


def mean_topk_similarity(queries: np.ndarray, keys: np.ndarray, k: int, settings: SearchSettings = EXACT) -> np.ndarray:
    """For every query row, the mean cosine to its ``k`` most similar key rows."""
    similarities, _ = knn(unit_rows(queries), unit_rows(keys), k, settings)
    return similarities.mean(axis=1)


class Retriever:
    """Scores of queries against all targets, by ``nn`` (cosine) or ``csls``: whole score rows for
    ranks (BLI) and the best targets through faiss."""

    def __init__(
        self,
        sources: np.ndarray,
        targets: np.ndarray,
        method: str = "csls",
        k: int = 10,
        hubness: tuple[np.ndarray, np.ndarray] | None = None,
        settings: SearchSettings = EXACT,
    ):
        """``hubness``: (r_T of the sources, r_S of the targets) when already known, e.g. from
        the other direction of the same pair, where they are the same two vectors swapped."""
        if method not in ("nn", "csls"):
            raise ValueError(f"unknown retrieval {method!r}; use nn or csls")
        self.sources, self.targets = unit_rows(sources), unit_rows(targets)
        self.method, self.settings = method, settings
        if method == "csls":
            if hubness is None:
                hubness = (
                    mean_topk_similarity(self.sources, self.targets, k, settings),
                    mean_topk_similarity(self.targets, self.sources, k, settings),
                )
            self.source_hubness, self.target_hubness = hubness

    def scores(self, source_rows: np.ndarray) -> np.ndarray:
        """|source_rows| × |targets| scores (call with a batch of rows)."""
        scores = self.sources[source_rows] @ self.targets.T
        if self.method == "csls":  # in place: these blocks are hundreds of MB
            scores *= 2
            scores -= self.source_hubness[source_rows, None]
            scores -= self.target_hubness[None, :]
        return scores

    def top_k(self, source_rows: np.ndarray, k: int) -> np.ndarray:
        """The ``k`` best target rows of each source row, best first (ties: lower row first)."""
        queries = self.sources[source_rows]
        keys = self.targets
        if self.method == "csls":
            queries = np.hstack([queries, np.ones((len(queries), 1), np.float32)])
            keys = np.hstack([2 * keys, -self.target_hubness[:, None].astype(np.float32)])
        return knn(queries, keys, k, self.settings)[1]


def mutual_nearest_neighbours(sources: np.ndarray, targets: np.ndarray, csls_k: int = 10, settings: SearchSettings = EXACT) -> np.ndarray:
    """Pairs (i, j) where target j is source i's best CSLS match and source i is target j's."""
    forward_retriever = Retriever(sources, targets, "csls", csls_k, settings=settings)
    hubness = (forward_retriever.target_hubness, forward_retriever.source_hubness)
    backward_retriever = Retriever(targets, sources, "csls", csls_k, hubness=hubness, settings=settings)
    forward = forward_retriever.top_k(np.arange(len(sources)), 1)[:, 0]
    backward = backward_retriever.top_k(np.arange(len(targets)), 1)[:, 0]
    rows = np.flatnonzero(backward[forward] == np.arange(len(sources)))
    return np.stack([rows, forward[rows]], axis=1)
