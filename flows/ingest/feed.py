"""Read a feed (RSS, Atom, or an HTML listing page) into the links of the releases to follow."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring


class FeedError(ValueError):
    """A feed cannot be read; the message says why and what to do."""


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href.strip())


def _xml_links(text: str) -> list[str]:
    """A feed's links. The XML comes from the network, so defusedxml parses it: a feed that
    declares entities or a DTD (an "XML bomb" among them) is refused, never expanded."""
    try:
        root = fromstring(text)
    except ParseError as exc:
        raise FeedError(f"the feed is not well-formed XML ({exc})") from None
    except DefusedXmlException as exc:
        raise FeedError(f"the feed declares XML entities or a DTD ({type(exc).__name__}), "
                        "which are refused: check the feed's URL with its publisher") from None
    links = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "link":
            href = element.get("href") or (element.text or "").strip()
            if href and element.get("rel") in (None, "alternate"):
                links.append(href)
    return links


def feed_links(text: str, base_url: str, follow: str, allowed_hosts: list[str],
               limit: int) -> list[str]:
    """The first `limit` distinct links matching `follow` on the allowed hosts, in feed order."""
    if re.match(r"\s*<\?xml|\s*<(rss|feed)\b", text):
        candidates = _xml_links(text)
    else:
        parser = _Anchors()
        parser.feed(text)
        candidates = parser.hrefs
    pattern = re.compile(follow)
    links: list[str] = []
    for href in candidates:
        url = urljoin(base_url, href).split("#", 1)[0]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.hostname not in allowed_hosts:
            continue
        if pattern.search(url) and url not in links:
            links.append(url)
        if len(links) == limit:
            break
    return links
