"""Rule download_wikipedia: fetch and verify one language's dump and its multistream index."""

import json
import logging

import workflow_package  # noqa: F401  (first: makes the workflow's xlclust importable)

from xlclust.atomic import write_text_atomic
from xlclust.runlog import start_job
from xlclust.wiki.download import expected_sha1, fetch
from xlclust.wiki.multistream import build_index, require_bz2
from xlclust.wiki.sources import DumpSource

start_job(snakemake)
source = DumpSource(**snakemake.params.source)
out = snakemake.output
dump_sha1 = fetch(source.dump, out.dump, expected_sha1(source, source.dump))
require_bz2(out.dump)
if source.multistream_index:
    index_sha1 = fetch(source.multistream_index, out.multistream_index, expected_sha1(source, source.multistream_index))
else:
    pages = build_index(out.dump, out.multistream_index)
    logging.info("no index configured: built one for %d pages from the dump's bz2 streams", pages)
    index_sha1 = None
manifest = {
    **snakemake.params.source,
    "dump_sha1": dump_sha1,
    "multistream_index_sha1": index_sha1,
    "multistream_index_built": not source.multistream_index,
}
write_text_atomic(out.manifest, json.dumps(manifest, indent=2) + "\n")
