"""Wikipedia dumps: download, multistream access, XML streaming, markup cleaning, extraction."""
