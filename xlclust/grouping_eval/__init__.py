"""The semantic-grouping pipelines evaluated ("Tomato, Tomahto, Tomate" Table 2): MasakhaNER and XNLI
data, scores relative to each figure's reference, Table 5 and Figs. 3–7 and 9–12."""
