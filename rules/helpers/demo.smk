# The demo stage's helpers (rules/demo.smk): input functions, params and targets.
from xlclust.demo.figures import TABLES as DEMO_FIGURE_TABLES
from xlclust.demo.paths import demo_dump_paths, demo_parallel_paths
from xlclust.retrieval.layout import corpus_dir, qrels_path, topics_path

DEMO_ROOT = "resources/demo"


def demo_world_files():
    """Everything the demo world writes: dumps of English and each fake language, dictionaries."""
    languages = ["en", *config.get("demo_world", {}).get("languages", {})]
    files = [str(p) for lang in languages for p in demo_dump_paths(DEMO_ROOT, lang).values()]
    for lang in languages[1:]:
        files += [f"{DEMO_ROOT}/dictionaries/en-{lang}.txt", f"{DEMO_ROOT}/dictionaries/{lang}-en.txt"]
    return files
