"""Feeds come from the network: links are read from RSS, Atom and HTML listings, and XML that
declares entities or a DTD is refused, never expanded."""

from __future__ import annotations

import pytest

from flows.ingest.feed import FeedError, feed_links

HOSTS = ["news.example"]

RSS = """<?xml version="1.0"?><rss><channel>
<item><link>https://news.example/a/1.html</link></item>
<item><link>https://other.example/a/2.html</link></item>
<item><link>/a/3.html#top</link></item>
<item><link>https://news.example/a/1.html</link></item>
</channel></rss>"""

ATOM = """<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
<entry><link rel="alternate" href="https://news.example/a/4.html"/></entry>
<entry><link rel="self" href="https://news.example/feed.xml"/></entry>
</feed>"""

BOMB = """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss><channel><item><link>https://news.example/&lol3;</link></item></channel></rss>"""

EXTERNAL = """<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss><channel><item><link>&x;</link></item></channel></rss>"""


def test_rss_links_on_allowed_hosts_in_order_without_repeats() -> None:
    assert feed_links(RSS, "https://news.example/feed.xml", r"/a/", HOSTS, 10) == [
        "https://news.example/a/1.html", "https://news.example/a/3.html"]


def test_atom_alternate_links_only() -> None:
    assert feed_links(ATOM, "https://news.example/", r"\.html$", HOSTS, 10) == [
        "https://news.example/a/4.html"]


def test_an_html_listing_gives_its_anchors() -> None:
    page = '<html><body><a href="/a/5.html">five</a><a href="mailto:x@y">m</a></body></html>'
    assert feed_links(page, "https://news.example/list", r"/a/", HOSTS, 10) == [
        "https://news.example/a/5.html"]


@pytest.mark.parametrize("xml", [BOMB, EXTERNAL], ids=["entity expansion", "external entity"])
def test_a_feed_declaring_entities_is_refused_not_expanded(xml: str) -> None:
    with pytest.raises(FeedError, match="declares XML entities or a DTD"):
        feed_links(xml, "https://news.example/feed.xml", r".", HOSTS, 10)


def test_malformed_xml_is_a_clear_error() -> None:
    with pytest.raises(FeedError, match="not well-formed XML"):
        feed_links("<?xml version='1.0'?><rss><channel>", "https://news.example/", r".",
                   HOSTS, 10)
