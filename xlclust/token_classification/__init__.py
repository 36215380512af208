"""Token classification data and scores that NER, the tagging comparison and the grouping evaluation
share: WikiAnn, CoNLL and JSON-lines sentences checked as strict IOB2, and span F1 as the CoNLL-2003
script defines it."""
