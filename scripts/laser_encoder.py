"""Rule laser_encoder: LASER's checkpoint, BPE codes and vocabulary — the published ones, checked, or an
encoder pretrained here on translation into English (tagging.laser.source)."""

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.runlog import start_job
from xlclust.tagging.sources import fetch, laser_files


def pretrained(pretraining: dict, params, output: str) -> None:
    from xlclust.tagging.laser_pretraining import pretrain_laser  # torch: only when training

    def lines(location, key):
        return fetch(location, params.cache_dir, params.sha256, key).read_text(encoding="utf-8").splitlines()

    parallel = {
        lang: tuple(lines(files[side], f"tagging.laser.pretrain.parallel.{lang}.{side}") for side in ("english", "other"))
        for lang, files in pretraining["parallel"].items()
    }
    pretrain_laser(parallel, params.english, pretraining, params.seed, output, params.checkpoints)


start_job(snakemake)
params = snakemake.params
if params.settings["source"] == "download":
    laser_files(params.settings, snakemake.output[0], params.cache_dir, params.sha256)
else:
    pretrained(params.settings["pretrain"], params, snakemake.output[0])
