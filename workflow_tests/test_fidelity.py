"""Every paper-cited default is the paper's value or says why it is ours, every key config.yaml
cites a paper for is registered, and docs/fidelity.md is what the registry and defaults give."""

import re

import yaml

from xlclust.fidelity import ROOT, default_config, fidelity_page, problems, registry, rows

CITATION = re.compile(r"§|et al\.|\((19|20)\d\d|\b(19|20)\d\d\)|Fig\. \d|Table \d")
KEY = re.compile(r"^( *)([A-Za-z0-9_]+):(.*)$")


def cited_keys(text: str) -> set[str]:
    """Dotted keys that config.yaml ties to a paper: a citing comment's following keys at one
    indent (until a blank line, another comment or a dedent), and keys with a citing inline comment;
    not a key whose inline comment starts with "ours" (a setting no paper has, such as checkpoints)."""
    cited, path, block_indent, citing = set(), [], None, False
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            citing = False
            continue
        if stripped.startswith("#"):
            citing, block_indent = bool(CITATION.search(stripped)), None
            continue
        match = KEY.match(line)
        if not match:
            continue
        indent, key, rest = len(match.group(1)), match.group(2), match.group(3)
        path = [(i, k) for i, k in path if i < indent] + [(indent, key)]
        if block_indent is None:
            block_indent = indent
        elif indent < block_indent:
            citing = False
        dotted = ".".join(k for _, k in path)
        comment = rest.split("#", 1)[1].strip() if "#" in rest else ""
        if comment.startswith("ours"):
            continue
        if (citing and indent == block_indent) or CITATION.search(comment):
            cited.add(dotted)
    return cited


def test_every_default_is_the_papers_or_says_why():
    page, found = fidelity_page()
    assert found == []


def test_the_fidelity_page_is_up_to_date():
    page, _ = fidelity_page()
    assert (ROOT / "docs" / "fidelity.md").read_text(encoding="utf-8") == page, "regenerate it: python -m xlclust.fidelity docs/fidelity.md"


def test_every_key_config_yaml_cites_a_paper_for_is_registered():
    registered = [entry["key"] for entry in registry()["settings"]]
    cited = cited_keys((ROOT / "config.yaml").read_text(encoding="utf-8"))
    assert len(cited) > 40
    missing = sorted(key for key in cited if not any(r == key or r.startswith(key + ".") for r in registered))
    assert missing == []


def test_a_changed_default_or_a_false_mark_is_caught():
    config = default_config()
    config["ner"]["evaluation"]["mode"] = "strict"
    config["sampling"]["alpha"] = 0.5
    settings = yaml.safe_load(yaml.safe_dump(registry()["settings"]))
    for entry in settings:
        if entry["key"] == "sampling.alpha":
            entry["ours"] = "a better value"  # marked: allowed
        if entry["key"] == "pivot":
            entry["ours"] = "says ours, is the paper's"
    found = problems(rows(settings, config))
    assert found == [
        "pivot: marked ours but equals ICEBERT §2.2's value",
        "ner.evaluation.mode: default 'strict' is not Shaffer §4's 'conlleval'",
    ]


def test_cited_keys_follow_comment_blocks_and_inline_citations():
    text = (
        "a:\n  # Paper §1: both\n  b: 1\n  c: 2\n\n  d: 3\n  # ours\n  e: 4\n"
        "  f:\n    # X et al. (2019)\n    g: 5\n    i: 7  # ours: not the paper's\n  h: 6  # Table 2\n"
    )
    assert cited_keys(text) == {"a.b", "a.c", "a.f.g", "a.h"}
