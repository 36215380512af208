# "Tomato, Tomahto, Tomate" §4.4, Figs. 8 and 13: the groups a reader inspects (keywords of the
# Swadesh list, the numbers' group, the punctuation's group) of the groupings grouping.inspection names.


def inspection_groupings():
    """The pipelines (each ending in a grouping) whose groups are inspected."""
    groupings = expand_pipelines(GROUPING["inspection"]["groupings"], pipeline_choices(GROUPING))
    for pipeline in groupings:
        steps = parse_pipeline(pipeline, "grouping.inspection.groupings").steps
        if not steps or steps[-1].kind != "grouping":
            raise ValueError(f"grouping.inspection.groupings: {pipeline!r} does not end in a grouping (kmeansR, l2kmeansR, lexiconR)")
    return groupings


def inspection_targets():
    return [f"results/grouping/{pipeline}/{name}" for pipeline in inspection_groupings() for name in ("inspection.csv", "inspection.png")]


rule grouping_inspection:
    input:
        map="results/grouping/{pipeline}/token2cid.parquet",
    output:
        groups=report(
            "results/grouping/{pipeline}/inspection.csv",
            caption="../report/grouping_inspection.rst",
            category="4 Semantic grouping",
            subcategory="{pipeline}",
        ),
        figure=report(
            "results/grouping/{pipeline}/inspection.png",
            caption="../report/grouping_inspection.rst",
            category="4 Semantic grouping",
            subcategory="{pipeline}",
        ),
    log:
        "logs/grouping_inspection/{pipeline}.log",
    conda:
        "../envs/cluster.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        keywords=GROUPING["inspection"]["keywords"],
        members=GROUPING["inspection"]["members"],
    script:
        "../scripts/grouping_inspection.py"
