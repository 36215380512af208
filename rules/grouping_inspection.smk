# "Tomato, Tomahto, Tomate" §4.4, Figs. 8 and 13: the groups a reader inspects (keywords of the
# Swadesh list, the numbers' group, the punctuation's group) of the groupings grouping.inspection names
# (inspection_groupings and inspection_targets: rules/helpers/grouping.smk).


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
