"""The layer rule of xlclust/architecture.py (docs/architecture.md), read from the package's own imports:
a module imports only its own package and lower layers, and a stage imports another only through a
dependency xlclust.architecture names."""

import ast

from workflow_tests.realdata import REPO
from xlclust.architecture import DEPENDENCIES, LAYERS, SHARED_WITHIN, layer_of


def unit_of(module: str) -> str:
    return module.split(".")[1]


def package_imports():
    """(importing module, imported module) for every xlclust import anywhere in a module, lazy ones too."""
    root = REPO / "xlclust"
    for path in sorted(root.rglob("*.py")):
        module = ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                if name.startswith("xlclust.") and module != "xlclust":
                    yield module, name


def test_every_unit_of_the_package_has_a_layer():
    units = {
        path.stem if path.is_file() else path.name
        for path in (REPO / "xlclust").iterdir()
        if (path.suffix == ".py" and path.name != "__init__.py") or (path / "__init__.py").exists()
    }
    placed = set().union(*LAYERS)
    assert units - placed == set() and placed - units == set()


def violations(imports) -> list[str]:
    wrong = []
    for module, imported in imports:
        mine, theirs = unit_of(module), unit_of(imported)
        if mine == theirs:
            continue
        here, there = layer_of(mine), layer_of(theirs)
        if there > here or (there == here and here not in SHARED_WITHIN):
            wrong.append(f"{module} imports {imported}")
    return wrong


def test_imports_only_run_down_the_layers():
    assert violations(package_imports()) == []


REFERENCES = {"xlclust.search_reference", "xlclust.grouping.kmeans_reference"}


def test_the_numpy_references_are_off_the_workflows_path():
    """The numpy search and k-means that faiss replaced serve the tests and benchmarks only."""
    found = {path for path in REFERENCES if (REPO / (path.replace(".", "/") + ".py")).exists()}
    assert found == REFERENCES
    users = sorted(
        f"{module} imports {imported}" for module, imported in package_imports() if imported in REFERENCES and module not in REFERENCES
    )
    scripts = sorted(str(path.name) for path in (REPO / "scripts").glob("*.py") if "_reference" in path.read_text(encoding="utf-8"))
    assert users == [] and scripts == []


def test_the_rule_catches_an_upward_import_and_one_between_tasks():
    planted = [
        ("xlclust.vocabulary.train", "xlclust.tokenization.sentencepiece_backend"),  # the one this rule removed
        ("xlclust.tydiqa.data", "xlclust.ner.training"),  # between tasks
        ("xlclust.training.finetuning", "xlclust.pretraining.train"),
        ("xlclust.token_classification.data", "xlclust.subsample"),  # allowed: the foundation
        ("xlclust.download", "xlclust.errors"),  # allowed: within the foundation
    ]
    assert violations(planted) == [f"{a} imports {b}" for a, b in planted[:3]]


def test_retrieval_searches_only_through_the_search_module():
    """One search path: MIRACL's dense retrieval names no faiss (its exact search, index builds and
    index files go through xlclust.search), and xlclust.search alone builds IVF and HNSW indexes."""
    retrieval = [
        f"{path.relative_to(REPO)}:{number}"
        for path in sorted((REPO / "xlclust" / "retrieval").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "faiss" in line.lower()
    ]
    assert retrieval == []
    builders = {
        str(path.relative_to(REPO))
        for path in sorted((REPO / "xlclust").rglob("*.py"))
        if any(name in path.read_text(encoding="utf-8") for name in ("IndexIVF", "IndexHNSW"))
    }
    assert builders == {"xlclust/search.py"}


def undeclared(imports) -> tuple[set, set]:
    """(imports between units that DEPENDENCIES does not name, named dependencies nothing uses), for
    units above the foundation and below the top."""
    used = {
        (unit_of(module), unit_of(imported))
        for module, imported in imports
        if unit_of(module) != unit_of(imported) and layer_of(unit_of(imported)) != 0 and layer_of(unit_of(module)) != len(LAYERS) - 1
    }
    declared = {(unit, dependency) for unit, dependencies in DEPENDENCIES.items() for dependency in dependencies}
    return used - declared, declared - used


def test_a_stage_imports_another_only_where_the_architecture_names_the_dependency():
    assert undeclared(package_imports()) == (set(), set())


def test_the_dependency_rule_catches_an_unnamed_one():
    imports = [*package_imports(), ("xlclust.tagging.run", "xlclust.ner.training")]
    assert undeclared(imports)[0] == {("tagging", "ner")}


def test_no_function_is_over_sixty_lines():
    """Short functions with one job each (issue 34): a longer one is split into named steps."""
    long = [
        f"{path.relative_to(REPO)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for folder in ("xlclust", "scripts")
        for path in sorted((REPO / folder).rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > 60
    ]
    assert long == []


def test_common_smk_keeps_only_what_every_stage_uses():
    """A stage's helpers live in rules/helpers/<stage>.smk, beside its rule file; rules/common.smk stays short."""
    common = (REPO / "rules" / "common.smk").read_text(encoding="utf-8").splitlines()
    assert len(common) <= 250
    stages = {path.stem for path in (REPO / "rules").glob("*.smk")} - {"common"}
    helpers = {path.stem for path in (REPO / "rules" / "helpers").glob("*.smk")}
    assert helpers <= stages and all(
        f'include: "helpers/{stage}.smk"' in (REPO / "rules" / f"{stage}.smk").read_text() for stage in helpers
    )


GATE = "xlclust/models.py"  # the one module that loads Hugging Face models, configs and tokenizers
# shipped beside the workflow's model directories and run from there (they import nothing from xlclust)
SHIPPED = {"xlclust/tokenization/cluster.py", "xlclust/tokenization/grouped.py", "xlclust/grouping/reduced.py"}
EMBEDDINGS = {"Embedding", "EmbeddingBag"}  # torch's nn.Embedding.from_pretrained takes a tensor: no loader


def _is_torch_embedding(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id in EMBEDDINGS
    return isinstance(node, ast.Attribute) and node.attr in EMBEDDINGS and isinstance(node.value, (ast.Name, ast.Attribute))


def loader_calls(source: str, name: str) -> list[str]:
    """Where ``source`` calls a ``from_pretrained`` (other than torch's embeddings') or passes
    ``trust_remote_code``, as a keyword or a dict key spread into a call."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "from_pretrained" and not _is_torch_embedding(node.value):
            found.append((node.lineno, f"{name}:{node.lineno} uses {ast.unparse(node)}"))
        if isinstance(node, ast.Call) and any(keyword.arg == "trust_remote_code" for keyword in node.keywords):
            found.append((node.lineno, f"{name}:{node.lineno} passes trust_remote_code"))
        if isinstance(node, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == "trust_remote_code" for k in node.keys):
            found.append((node.lineno, f"{name}:{node.lineno} passes trust_remote_code"))
        if isinstance(node, ast.Call) and any(isinstance(a, ast.Constant) and a.value == "from_pretrained" for a in node.args):
            found.append((node.lineno, f"{name}:{node.lineno} uses from_pretrained by name"))
    return [text for _, text in sorted(found)]


def test_only_the_model_gate_loads_models_or_grants_remote_code():
    """xlclust.models decides whether a model's own code runs (issue 35): no other module calls a
    ``from_pretrained`` or passes ``trust_remote_code``."""
    paths = [path for folder in ("xlclust", "scripts") for path in sorted((REPO / folder).rglob("*.py"))]
    calls = {str(path.relative_to(REPO)): loader_calls(path.read_text(encoding="utf-8"), str(path.relative_to(REPO))) for path in paths}
    assert calls[GATE]  # the gate is where the loading is
    assert [call for name, found in calls.items() if name != GATE and name not in SHIPPED for call in found] == []


def test_the_loader_rule_catches_a_planted_call():
    planted = """import torch
from torch import nn
from transformers import AutoConfig
config = AutoConfig.from_pretrained("x")
tokenizer = load("x", trust_remote_code=True)
rows = nn.Embedding.from_pretrained(weights)
bag = torch.nn.EmbeddingBag.from_pretrained(weights)
model = loader(**{"trust_remote_code": True})
load = getattr(AutoModel, "from_pretrained")
"""
    assert loader_calls(planted, "planted.py") == [
        "planted.py:4 uses AutoConfig.from_pretrained",
        "planted.py:5 passes trust_remote_code",
        "planted.py:8 passes trust_remote_code",
        "planted.py:9 uses from_pretrained by name",
    ]
