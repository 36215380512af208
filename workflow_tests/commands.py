"""The workflow as a user meets it: a fresh clone's files, the literal `snakemake …` commands the
README and the config comments give, and what a dry run plans."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from workflow_tests.realdata import REPO

# Where commands are written for users: the README and the comments of every config and profile.
DOCUMENTED = ["README.md", "config.yaml", "demo/config.yaml", "slurm/config.yaml", "profiles/default/config.yaml"]
TARGET = re.compile(r"^(all|(results|resources)/\S+)$")


def fresh_clone(dest: Path) -> Path:
    """The repository's files as `git clone` gives them (tracked and new files that git does not
    ignore, so that uncommitted work is tested too), in ``dest``."""
    listed = (
        subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO, check=True, capture_output=True)
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def documented_commands() -> list[tuple[str, str]]:
    """(where, command) for every `snakemake …` command in the documented files: code lines and
    inline code, without a trailing comment, a pipe or what comes before `&&`."""
    commands = []
    for name in DOCUMENTED:
        for number, line in enumerate((REPO / name).read_text().splitlines(), 1):
            pieces = re.findall(r"`(snakemake [^`]+)`", line) or [line]
            for piece in pieces:
                piece = piece.split("&&")[-1].split("|")[0].lstrip("# ").strip()
                if piece.startswith("snakemake "):
                    piece = re.split(r"\s+#", piece)[0].strip().rstrip(",.;:")
                    commands.append((f"{name}:{number}", piece))
    return commands


def quick_start_demo() -> str:
    """The README quick start's demo command: the `snakemake …` of its first line."""
    readme = (REPO / "README.md").read_text()
    block = readme[readme.index("## Quick start") :].split("```bash\n", 1)[1].split("```", 1)[0]
    command = block.splitlines()[0].split("&&", 1)[1].split("#", 1)[0].strip()
    assert command.startswith("snakemake ") and "demo/config.yaml" in command, command
    return command


def run_snakemake(argv: list[str], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "snakemake", *argv], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def parsed(command: str, cwd: Path):
    """How Snakemake itself reads a command line (profiles resolved from ``cwd``)."""
    code = (
        "import json, sys; from snakemake.cli import parse_args; _, a = parse_args(sys.argv[1:]); "
        "print(json.dumps({'targets': sorted(a.targets), 'forcerun': sorted(a.forcerun or []), 'configfile': [str(c) for c in a.configfile or []]}))"
    )
    result = subprocess.run([sys.executable, "-c", code, *shlex.split(command)[1:]], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def planned_jobs(output: str) -> set[tuple[str, str]]:
    """(rule, wildcards) of every job a dry run lists."""
    jobs = set()
    for block in re.split(r"\n(?=(?:local)?rule \w+:\n)", output):
        head = re.match(r"(?:local)?rule (\w+):\n", block)
        if head:
            wildcards = re.search(r"^\s+wildcards: (.*)$", block, re.M)
            jobs.add((head.group(1), wildcards.group(1) if wildcards else ""))
    return jobs


def planned_outputs(output: str) -> set[str]:
    return {path.strip() for line in re.findall(r"^\s+output: (.*)$", output, re.M) for path in line.split(",")}
