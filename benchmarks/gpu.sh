#!/usr/bin/env bash
# The GPU benchmarks in one go, for a lent GPU node (≤ 10 minutes on one H100/H200-class GPU):
# faiss-gpu graph and k-means at paper size, 100-language graph (pairs: pivot), BERT-base MLM
# pretraining at sequence length 512 in bf16 (tokens/s, MFU against the GPU's dense bf16 peak), TyDi QA
# fine-tuning and prediction throughput, word-pair mining per iteration, tagging throughput per embedder, CLSA pairs/s and continual pretraining per r_G and d (Table 3), MIRACL corpus encoding and index build/search. CSVs go to $OUT_DIR (default benchmarks/results/gpu).
# Without a GPU, or with --small, the same steps run at small sizes on the CPU: that checks the
# script itself (workflow_tests/test_benchmarks.py runs it so).
#
#   bash benchmarks/gpu.sh            # on a GPU node, from the repository root
#   bash benchmarks/gpu.sh --small    # anywhere, ~1 minute
set -euo pipefail
cd "$(dirname "$0")/.."
out="${OUT_DIR:-benchmarks/results/gpu}"
mkdir -p "$out"
small=0
if [[ "${1:-}" == "--small" ]]; then small=1; fi
gpu=$(python -c "import torch; print(int(torch.cuda.is_available()))")
step() { echo "== $* ($(date +%T))"; "$@"; }
if [[ "$gpu" == 1 && "$small" == 0 ]]; then
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$out/gpu.csv"
  step python benchmarks/search.py --device gpu --graph-languages 9 --kmeans mbert:40 xlmr:40 --no-kmeans-reference --output "$out/search.csv"
  step python benchmarks/clusters.py --languages 9 27 100 --pairs pivot --device gpu --output "$out/clusters.csv"
  step python benchmarks/pretraining.py --sizes base --seq-lens 512 --precision bf16 --batch 32 --steps 30 --warmup 5 --output "$out/pretraining.csv"
  step python benchmarks/tydiqa.py --sizes base --precision bf16 --batch 32 --output "$out/tydiqa.csv"
  step python benchmarks/lowres.py --sentences 1000 10000 100000:ivf --batch-size 512 --update-steps 200 --output "$out/lowres.csv"
  step python benchmarks/tagging.py --sentences 2048 --train-steps 20 --output "$out/tagging.csv"
  step python benchmarks/grouping.py --shape base --ratios 5 100 --dims 768 128 8 --seq-len 512 --batch 32 --precision bf16 --clsa-pairs 50000 --output "$out/grouping.csv"
  step python benchmarks/retrieval.py --shape base --passages 20000 --batch 256 --vectors 1000000 --output "$out/retrieval.csv"
else
  # the CPU check runs two steps at a time (each is one process, mostly imports and small loops);
  # a step that fails still stops the script (wait returns its status, set -e)
  running=()
  two_at_a_time() {
    step "$@" &
    running+=($!)
    if (( ${#running[@]} == 2 )); then wait "${running[0]}"; running=("${running[@]:1}"); fi
  }
  two_at_a_time python benchmarks/search.py --small --device cpu --output "$out/search.csv"
  two_at_a_time python benchmarks/clusters.py --languages 3 9 --vocab 500 --pairs all pivot --device cpu --output "$out/clusters.csv"
  two_at_a_time python benchmarks/pretraining.py --sizes small --seq-lens 128 --steps 3 --warmup 1 --batch 8 --output "$out/pretraining.csv"
  two_at_a_time python benchmarks/tydiqa.py --sizes small --train-questions 8 --dev-questions 8 --batch 8 --output "$out/tydiqa.csv"
  two_at_a_time python benchmarks/lowres.py --small --data "${XLCLUST_TEST_DATA:-../shared/data}" --output "$out/lowres.csv"
  two_at_a_time python benchmarks/ebert.py --small --data "${XLCLUST_TEST_DATA:-../shared/data}" --output "$out/ebert.csv"
  two_at_a_time python benchmarks/tagging.py --small --data "${XLCLUST_TEST_DATA:-../shared/data}" --output "$out/tagging.csv"
  two_at_a_time python benchmarks/grouping.py --small --output "$out/grouping.csv"
  two_at_a_time python benchmarks/retrieval.py --small --output "$out/retrieval.csv"
  for pid in "${running[@]}"; do wait "$pid"; done
fi
echo "results in $out"
