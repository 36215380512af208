"""Token classification data and scores that NER, the tagging comparison and the grouping evaluation
share: WikiAnn, CoNLL and JSON-lines sentences checked as strict IOB2, and span F1 as the CoNLL-2003
script defines it."""

# here, not in metrics (which needs seqeval): the report modules read score tables in lighter envs
OVERALL = "all"  # the micro-average over every class, the figure NER tables report
