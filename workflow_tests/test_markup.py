from xlclust.wiki.markup import WikitextCleaner, prestrip, tidy

CLEANER = WikitextCleaner(namespaces=["Файл", "Категория"], disambiguation_templates=["disambiguation", "неоднозначность"])


def test_templates_refs_comments_tables_are_removed():
    text = (
        "{{Infobox|a={{nested|b}}|c=d}}Intro<!-- hidden --> text<ref name=x>{{cite|y}}</ref> ends.<ref name=x/>\n"
        "{| class=wikitable\n|-\n| cell {{x}}\n{|\n| inner\n|}\n|}\nAfter table."
    )
    assert CLEANER.paragraphs(text) == ["Intro text ends.", "After table."]


def test_links_keep_their_text_and_namespaced_links_go():
    text = (
        "[[Paris]] is the [[capital city|capital]] of [[France]]. "
        "[[File:Eiffel.jpg|thumb|A [[tower]] caption]][[Category:Capitals]][[de:Paris]]"
        "[[Файл:X.png|мини]][[категория:Столицы]] See [http://example.org the site] http://bare.example.org"
    )
    assert CLEANER.paragraphs(text) == ["Paris is the capital of France. See the site"]


def test_colon_in_an_article_title_is_kept():
    assert CLEANER.paragraphs("[[Star Wars: Episode I]] film") == ["Star Wars: Episode I film"]


def test_headings_lists_formatting_and_entities():
    text = "== History ==\n'''Bold''' and ''italic'' &amp; &nbsp;x.\n* item one\n# item two\n<br/>Line<div>block</div>"
    assert CLEANER.paragraphs(text) == ["Bold and italic & x.", "item one", "item two", "Line", "block"]


def test_math_and_gallery_are_not_text():
    text = "Energy <math>E = mc^2</math> is mass.<gallery>a.jpg|x</gallery>"
    assert CLEANER.paragraphs(text) == ["Energy is mass."]


def test_unclosed_comment_hides_the_rest_as_mediawiki_does():
    assert CLEANER.paragraphs("Text <!-- never closed") == ["Text"]


def test_nfc_normalization():
    decomposed = "Cafe\u0301"
    assert CLEANER.paragraphs(decomposed) == ["Café"]
    assert WikitextCleaner(normalization="none").paragraphs(decomposed) == [decomposed]


def test_disambiguation_detection_is_case_insensitive_on_names():
    assert CLEANER.is_disambiguation("'''Mercury''' may refer to:\n{{Disambiguation}}")
    assert CLEANER.is_disambiguation("{{disambiguation|geo}}")
    assert CLEANER.is_disambiguation("{{Неоднозначность}}")
    assert not CLEANER.is_disambiguation("{{Disambiguation needed}} text")
    assert not WikitextCleaner().is_disambiguation("{{disambiguation}}")


def test_prestrip_cuts_nested_templates_innermost_first():
    assert prestrip("a{{x|{{y|{{z}}}}}}b") == "ab"


def test_tidy_removes_what_removed_templates_leave():
    text = "Apollo (Attic, Greek: , Apollōn ( ); Doric: , Apellōn; Aeolic: , Aploun; ) is a god ."
    assert tidy(text) == "Apollo (Attic, Greek: Apollōn; Doric: Apellōn; Aeolic: Aploun) is a god."
    assert tidy("Phoebus ( ; , Phoibos, literally bright)") == "Phoebus (Phoibos, literally bright)"
    assert tidy("Il a dit : « oui » !") == "Il a dit : « oui » !"  # French spacing stays
    assert tidy("f(x) = (a, b)") == "f(x) = (a, b)"
    assert CLEANER.paragraphs("Apollo ({{lang-grc|Ἀπόλλων}}, {{IPA|x}}) was") == ["Apollo was"]
