import pytest

from xlclust.errors import DumpError
from xlclust.wiki.xmldump import iter_pages

HEADER = b'<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/"><siteinfo><dbname>x</dbname></siteinfo>'
PAGE = b'<page><title>%s</title><ns>%d</ns><id>%d</id>%s<revision><id>1</id><text xml:space="preserve">%s</text></revision></page>'


def parse(*chunks, start=True, end=True):
    return list(iter_pages(chunks, "dump.xml.bz2 (bytes 0-9)", has_root_start=start, has_root_end=end))


def test_pages_redirects_and_namespaces():
    xml = HEADER + PAGE % (b"A", 0, 1, b"", b"Text &amp; more") + PAGE % (b"B", 0, 2, b'<redirect title="A" />', b"#REDIRECT [[A]]")
    xml += PAGE % (b"Talk:A", 1, 3, b"", b"talk") + b"</mediawiki>"
    # fed in small pieces, as the decompressor delivers them
    pieces = [xml[i : i + 7] for i in range(0, len(xml), 7)]
    pages = parse(*pieces)
    assert [(p.id, p.title, p.ns, p.redirect) for p in pages] == [(1, "A", 0, False), (2, "B", 0, True), (3, "Talk:A", 1, False)]
    assert pages[0].text == "Text & more"


def test_a_part_without_root_gets_one():
    pages = parse(PAGE % (b"A", 0, 7, b"", b"x"), start=False, end=False)
    assert [p.id for p in pages] == [7]


def test_malformed_xml_names_the_file_and_last_good_page():
    xml = (
        HEADER
        + PAGE % (b"Good", 0, 1, b"", b"ok")
        + b"<page><title>Bad</title><ns>0</ns><id>2</id><revision><text>x</revision></page></mediawiki>"
    )
    with pytest.raises(DumpError, match=r"dump.xml.bz2 \(bytes 0-9\): malformed XML after page 1 'Good' \(line 1"):
        parse(xml)


def test_page_without_id_is_reported():
    xml = HEADER + b"<page><title>NoId</title><ns>0</ns><revision><text>x</text></revision></page></mediawiki>"
    with pytest.raises(DumpError, match=r"malformed <page> 'NoId': it needs <title>, <ns> and a numeric <id>"):
        parse(xml)
