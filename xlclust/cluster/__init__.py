"""ICEBERT §2.2 clusters: the mutual top-k translation graph, METIS partition, cluster map."""
