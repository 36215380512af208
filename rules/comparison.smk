# The papers' published numbers (xlclust/data/published/tables.csv) beside this run's: one tidy table and
# one page with each published table side by side.
include: "helpers/comparison.smk"


rule paper_comparison:
    input:
        unpack(paper_comparison_inputs),
    output:
        table=report(
            "results/paper_comparison.csv",
            caption="../report/paper_comparison.rst",
            category="0 The papers' numbers",
        ),
        page=report(
            "results/paper_comparison.html",
            caption="../report/paper_comparison.rst",
            category="0 The papers' numbers",
        ),
    log:
        "logs/paper_comparison.log",
    conda:
        "../envs/corpus.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        demo="demo_world" in config,
        papers=compared_papers(),
    script:
        "../scripts/paper_comparison.py"
