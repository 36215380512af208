"""The semantic-grouping pipelines evaluated ("Tomato, Tomahto, Tomate" Table 2): MasakhaNER and XNLI
data, scores relative to the ungrouped oracle, Table 5 and Figs. 3–6 and 9."""
