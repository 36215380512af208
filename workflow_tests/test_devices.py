"""xlclust.devices: the local GPU count behind the gpu_jobs limit."""

from xlclust.devices import visible_gpus


def test_gpus_are_what_the_driver_lists_narrowed_by_cuda_visible_devices(tmp_path):
    for gpu in ("0000:17:00.0", "0000:65:00.0"):
        (tmp_path / gpu).mkdir()
    assert visible_gpus(tmp_path, {}) == 2
    assert visible_gpus(tmp_path, {"CUDA_VISIBLE_DEVICES": "1"}) == 1
    assert visible_gpus(tmp_path, {"CUDA_VISIBLE_DEVICES": ""}) == 0
    assert visible_gpus(tmp_path, {"CUDA_VISIBLE_DEVICES": "-1"}) == 0
    assert visible_gpus(tmp_path / "absent", {}) == 0  # no NVIDIA driver: jobs run on the CPU
