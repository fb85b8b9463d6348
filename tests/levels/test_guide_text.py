from levels.templatetags.guide_text import guide_text, split_paragraphs


def test_paragraphs_and_bullets():
    html = guide_text("Første avsnitt\nfortsetter.\n\nAndre:\n- en\n- to\nSlutt.")
    assert html == (
        '<p class="ds-paragraph">Første avsnitt fortsetter.</p>'
        '<p class="ds-paragraph">Andre:</p>'
        '<ul class="ds-list"><li>en</li><li>to</li></ul>'
        '<p class="ds-paragraph">Slutt.</p>'
    )


def test_markup_in_text_is_escaped():
    html = guide_text('<img src=x onerror="alert(1)">\n- <a href="javascript:x">y</a>')
    assert "<img" not in html and "<a " not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_empty_text():
    assert guide_text("") == ""
    assert guide_text(None) == ""


def test_split_paragraphs_gives_the_first_and_the_rest():
    assert split_paragraphs("En.\n\nTo.\n\nTre.") == ("En.", "To.\n\nTre.")
    assert split_paragraphs("Bare én.") == ("Bare én.", "")
