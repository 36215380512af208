"""One pretraining run from a JSON run description, in this process or in several.

``python -m xlclust.pretraining.run RUN.json`` is what every process executes; :func:`launch`
decides how many start: one here, ``torchrun`` (one node, several GPUs, or under SLURM several
nodes through ``srun``) or ``accelerate launch``.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

from xlclust.errors import ConfigError, XlclustError

log = logging.getLogger(__name__)

RUN_MODULE = "xlclust.pretraining.run"
LAUNCHERS = ("auto", "none", "torchrun", "accelerate")


def run(description: dict) -> None:
    from xlclust.pretraining.encode import encoded_shards, load_tokenizer
    from xlclust.pretraining.train import TrainingSpec, pretrain
    from xlclust.training.saving import save_pretrained_model

    tokenizer = load_tokenizer(description["tokenizer"])
    try:
        spec = TrainingSpec(**description["training"])
    except TypeError as error:
        key = description.get("config_key") or f"pretraining.models.{description['size']}"
        raise ConfigError(f"{key}.training: {error}") from error
    model, rows, summary, accelerator = pretrain(
        shards=encoded_shards(description["corpus"]),
        tokenizer=tokenizer,
        model_config=description["architecture"],
        spec=spec,
        checkpoint_dir=description["checkpoints"],
        initial_model=description.get("initial_model"),
    )
    if accelerator.is_main_process:
        summary.update(tokenizer=description["tokenizer"])
        if description.get("size"):  # the pretraining stage's model sizes
            summary["size"] = description["size"]
        save_pretrained_model(model, tokenizer, rows, summary, description["output"])
    accelerator.wait_for_everyone()


def visible_gpus() -> int:
    import torch

    return torch.cuda.device_count() if torch.cuda.is_available() else 0


def visible_tpu_cores() -> int:
    """TPU cores torch_xla sees (8 on a TPU v3-8); 0 without torch_xla. Untested here: no TPU."""
    try:
        import torch_xla.runtime as xr
    except ImportError:
        return 0
    return xr.global_runtime_device_count()


def launch_command(run_file: str, launcher: str, gpus: int, nodes: int) -> list[str] | None:
    """The command that starts the run's processes, or None to run in this process."""
    if launcher not in LAUNCHERS:
        raise ConfigError(f"pretraining.launcher: {launcher!r} is not one of {LAUNCHERS}")
    if launcher == "none" or (launcher == "auto" and nodes <= 1 and gpus <= 1):
        return None
    run_module = ["-m", RUN_MODULE, run_file]
    per_node = max(1, gpus)
    if launcher == "accelerate":
        if nodes > 1:
            raise ConfigError("pretraining.launcher: accelerate here starts one node; use torchrun (or auto) for several")
        tpu_cores = visible_tpu_cores()
        if tpu_cores:  # one process per TPU core through torch_xla (ICEBERT trained on a TPU v3-8)
            return ["accelerate", "launch", "--tpu", f"--num_processes={tpu_cores}", *run_module]
        return ["accelerate", "launch", f"--num_processes={per_node}", "--num_machines=1", *run_module]
    torchrun = [sys.executable, "-m", "torch.distributed.run"]
    if nodes <= 1:
        return [*torchrun, "--standalone", f"--nproc_per_node={per_node}", *run_module]
    # SLURM: one torchrun per node, meeting at this (the first) node
    job = os.environ.get("SLURM_JOB_ID", "xlclust")
    return [
        "srun",
        f"--nodes={nodes}",
        f"--ntasks={nodes}",
        "--ntasks-per-node=1",
        *torchrun,
        f"--nnodes={nodes}",
        f"--nproc_per_node={per_node}",
        "--rdzv_backend=c10d",
        f"--rdzv_endpoint={socket.gethostname()}:29500",
        f"--rdzv_id={job}",
        *run_module,
    ]


def launch(description: dict, run_file: str | os.PathLike, launcher: str = "auto") -> None:
    Path(run_file).parent.mkdir(parents=True, exist_ok=True)
    Path(run_file).write_text(json.dumps(description, indent=1), encoding="utf-8")
    nodes = int(os.environ.get("SLURM_JOB_NUM_NODES", "1"))
    command = launch_command(str(run_file), launcher, visible_gpus(), nodes)
    if command is None:
        run(description)
        return
    log.info("starting: %s", " ".join(command))
    completed = subprocess.run(command, check=False, stdout=sys.stderr, stderr=sys.stderr)  # into the rule's log
    if completed.returncode != 0:
        raise XlclustError(f"pretraining processes exited with code {completed.returncode} ({' '.join(command)}); see the log above")


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(f"usage: python -m {RUN_MODULE} RUN.json")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))


if __name__ == "__main__":
    main()
