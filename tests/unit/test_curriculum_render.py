"""Rendering lesson Markdown: safe HTML, callouts, anchors, resource links, links between lessons."""

import pytest

from academy.curriculum import RenderContext, render_markdown
from academy.curriculum.model import Resource

HOTLINE = Resource(
    id="us-nhth",
    name="National Human Trafficking Hotline",
    jurisdiction="us",
    phone="1-888-373-7888",
    text="Text 233733",
    url="https://humantraffickinghotline.org",
    hours=None,
    languages=None,
    description="Hotline.",
    source="Polaris",
    verified_on="2026-11-01",
)
TEXT_ONLY = Resource(
    id="text-line",
    name="A text line",
    jurisdiction="us",
    phone=None,
    text="Text 12345",
    url=None,
    hours=None,
    languages=None,
    description="Texts.",
    source="Us",
    verified_on="2026-11-01",
)
IN_COURSE = RenderContext(folder="foundation", resources={"us-nhth": HOTLINE, "text-line": TEXT_ONLY})


def test_raw_html_is_shown_as_text():
    html = render_markdown('<script>alert("x")</script>\n\nHi <img src=x onerror=alert(1)>')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "link",
    [
        "[x](javascript:alert(1))",
        "[x](JavaScript:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "<javascript:alert(1)>",
        "[x][r]\n\n[r]: javascript:alert(1)",
    ],
)
def test_dangerous_links_are_not_links(link):
    html = render_markdown(link)
    assert "<a" not in html
    assert 'href="javascript' not in html.lower()


def test_linkify_is_off_and_tables_and_strikethrough_are_on():
    html = render_markdown("See https://example.org\n\n| a | b |\n|---|---|\n| ~~c~~ | d |\n")
    assert "<a" not in html
    assert "<table>" in html and "<s>c</s>" in html


@pytest.mark.parametrize(
    ("kind", "title"),
    [
        ("note", "Note"),
        ("tip", "Tip"),
        ("warning", "Warning"),
        ("scenario", "Scenario"),
        ("do", "What to do"),
        ("dont", "What not to do"),
        ("notice", "What you might notice"),
    ],
)
def test_callouts(kind, title):
    html = render_markdown(f"::: {kind}\nBe **careful**.\n:::\n")
    assert html == (
        f'<aside class="callout callout-{kind}" role="note"><p class="callout-title">{title}</p>\n'
        "<p>Be <strong>careful</strong>.</p>\n</aside>\n"
    )


def test_unknown_callout_kind_stays_text():
    assert render_markdown("::: danger\nx\n:::\n") == "<p>::: danger\nx\n:::</p>\n"


def test_heading_anchors_on_h2_and_h3_only():
    html = render_markdown(
        "# Top\n\n## Trafficking or smuggling?\n\n### The `three` elements\n\n#### Deep\n\n"
        "## Trafficking or smuggling?\n"
    )
    assert "<h1>Top</h1>" in html
    assert '<h2 id="trafficking-or-smuggling">' in html
    assert '<h3 id="the-three-elements">The <code>three</code> elements</h3>' in html
    assert "<h4>Deep</h4>" in html
    assert '<h2 id="trafficking-or-smuggling-1">' in html


def test_resource_link_shows_the_directory_number():
    html = render_markdown("If in doubt, [call the hotline](resource:us-nhth).", IN_COURSE)
    assert html == (
        '<p>If in doubt, <a href="/resources#us-nhth" class="resource-link">call the hotline</a> '
        '<span class="resource-contact">(1-888-373-7888)</span>.</p>\n'
    )


def test_resource_link_without_text_shows_the_name_and_without_phone_the_text_number():
    html = render_markdown("[](resource:us-nhth) or [text](resource:text-line)", IN_COURSE)
    assert (
        '<a href="/resources#us-nhth" class="resource-link">National Human Trafficking Hotline</a> '
        '<span class="resource-contact">(1-888-373-7888)</span>'
    ) in html
    assert '<span class="resource-contact">(Text 12345)</span>' in html


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("02-signs.md", "/courses/foundation/lessons/signs"),
        ("02-signs.md#x", "/courses/foundation/lessons/signs#x"),
        ("02-signs.es.md", "/courses/foundation/lessons/signs"),
        ("course.md", "/courses/foundation"),
        ("quiz.md", "/courses/foundation/quiz"),
        ("../other/course.md", "/courses/other"),
        ("../other/01-x.md", "/courses/other/lessons/x"),
        ("../other/01-x.md#y", "/courses/other/lessons/x#y"),
        ("#consent", "#consent"),
        ("/resources", "/resources"),
    ],
)
def test_links_between_lessons_become_site_paths(href, expected):
    assert render_markdown(f"[go]({href})", IN_COURSE) == f'<p><a href="{expected}">go</a></p>\n'


def test_external_links_get_noopener():
    assert render_markdown("[ILO](https://www.ilo.org/)") == (
        '<p><a href="https://www.ilo.org/" rel="noopener">ILO</a></p>\n'
    )


def test_one_markdown_instance_is_reused():
    from academy.curriculum import render

    before = render.MD
    render_markdown("## a")
    assert render.MD is before
