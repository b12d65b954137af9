"""Render the brief: Jinja2 (autoescaped) to HTML, WeasyPrint to a tagged PDF with CSV attached,
and the same HTML, self-contained, as the brief's HTML edition beside the PDF."""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher

from flows.brief.data import BriefData
from flows.disk import disk_full_names, partial_path
from flows.paths import LATEST_NAME, TEMPLATES_DIR


class TemplatesOnlyFetcher(URLFetcher):
    """Lets WeasyPrint read files inside the templates folder and nothing else.

    Release text is untrusted: an <img src="file:///etc/passwd"> or an http:// URL that
    slipped through would otherwise be fetched and embedded.
    """

    def __init__(self, root: Path = TEMPLATES_DIR):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)
        self.root = root.resolve()
        self.blocked: list[str] = []

    def is_allowed(self, url: str) -> bool:
        """True for a file:// URL that resolves inside the templates folder."""
        parsed = urlparse(url)
        if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
            return False
        path = Path(unquote(parsed.path)).resolve()
        return self.root in path.parents

    def fetch(self, url, headers=None):
        """Fetch an allowed URL; refuse (and remember) every other one."""
        if not self.is_allowed(url):
            self.blocked.append(url)
            raise ValueError(f"brief renderer refuses to fetch {url!r}: only templates/ is allowed")
        return super().fetch(url, headers)


def make_environment() -> Environment:
    """Jinja2 environment over templates/, escaping every file (.html.j2 included)."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


# The HTML edition carries its styles inline: print rules first (a browser's print uses them),
# then the screen rules, which WeasyPrint never reads.
INLINE_STYLESHEETS = ("brief.css", "brief_screen.css")


def inline_styles() -> Markup:
    """The stylesheets of the HTML edition, as the text of one <style> element."""
    css = "\n".join((TEMPLATES_DIR / name).read_text(encoding="utf-8")
                    for name in INLINE_STYLESHEETS)
    if "</" in css:  # would end the <style> element early; the CSS is ours, so a typo
        raise ValueError("a brief stylesheet contains '</', which would end its <style>")
    return Markup(css)


def render_html(data: BriefData, author: str, edition: str = "pdf") -> str:
    """The brief as HTML text: for WeasyPrint ('pdf', linking templates/brief.css), or the
    self-contained HTML edition ('html': styles inline, for screens, no request leaves it)."""
    if edition not in ("pdf", "html"):
        raise ValueError(f"unknown brief edition {edition!r}: 'pdf' or 'html'")
    template = make_environment().get_template("brief.html.j2")
    styles = inline_styles() if edition == "html" else Markup("")
    return template.render(brief=data, author=author, edition=edition, inline_css=styles)


def write_html(html: str, path: Path) -> None:
    """Write the HTML edition's text at path; a full disk is a DiskFull error naming it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with disk_full_names(path):
        path.write_text(html, encoding="utf-8")


def _render_pdf(html: str, path: Path, created: datetime,
                attachments: dict[str, tuple[Path, str]],
                fetcher: TemplatesOnlyFetcher | None = None) -> None:
    """Render html to a PDF at path, with the attachments; a full disk is a DiskFull error."""
    fetcher = fetcher or TemplatesOnlyFetcher()
    document = HTML(string=html, base_url=TEMPLATES_DIR.as_uri() + "/", url_fetcher=fetcher)
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as files, disk_full_names(path):
        # The files are opened here, not fetched by URL: the fetcher only allows templates/.
        embedded = [
            Attachment(file_obj=files.enter_context(open(source, "rb")), name=name,
                       description=description, created=created, modified=created,
                       url_fetcher=fetcher)
            for name, (source, description) in attachments.items()
        ]
        document.write_pdf(path, pdf_variant="pdf/ua-1", attachments=embedded)


def write_pdf(html: str, target: Path, created: datetime,
              attachments: dict[str, tuple[Path, str]],
              fetcher: TemplatesOnlyFetcher | None = None) -> Path:
    """Write the PDF atomically: render beside the target, then rename it into place.
    attachments: file name in the PDF -> (file to attach, description)."""
    partial = partial_path(target)
    try:
        _render_pdf(html, partial, created, attachments, fetcher)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


AS_OF_DIR = "as-of"  # back-dated briefs (barometer run --as-of DATE before today) go here


def next_brief_path(out_dir: Path, as_of: date) -> Path:
    """`<date>-brief.pdf`, or `<date>-brief-2.pdf`, -3, … when that day already has a brief."""
    target = out_dir / f"{as_of.isoformat()}-brief.pdf"
    number = 2
    while target.exists():
        target = out_dir / f"{as_of.isoformat()}-brief-{number}.pdf"
        number += 1
    return target


def html_beside(pdf: Path) -> Path:
    """Where a brief's HTML edition goes: beside its PDF, same stem, `.html`."""
    return pdf.with_suffix(".html")


def _point(name: Path, source: Path) -> None:
    """Make name (latest-brief.*) the same file as source, replacing it in one rename."""
    link = partial_path(name)
    link.unlink(missing_ok=True)
    try:
        os.link(source, link)
    except OSError:  # a filesystem without hard links
        shutil.copyfile(source, link)
    os.replace(link, name)


@dataclass(frozen=True)
class StagedBrief:
    """A complete PDF and its HTML edition under hidden names beside their targets, waiting
    to be published."""

    staged: Path
    target: Path
    latest: Path | None  # latest-brief.pdf, refreshed with it (regular briefs only)

    @property
    def html(self) -> Path:
        """Where the HTML edition is published: beside the PDF."""
        return html_beside(self.target)

    @property
    def staged_html(self) -> Path:
        """The HTML edition's hidden name until commit."""
        return partial_path(self.html)

    def commit(self) -> Path:
        """Rename the HTML edition, then the PDF, into place (the PDF's rename publishes the
        brief), then point latest-brief.html and .pdf at them; no disk space is needed
        (renames and hard links), so this cannot fail for a full disk."""
        os.replace(self.staged_html, self.html)
        os.replace(self.staged, self.target)
        if self.latest is not None:
            _point(html_beside(self.latest), self.html)
            _point(self.latest, self.target)
        return self.target

    def discard(self) -> None:
        """Remove the staged files, and an HTML edition already renamed into place without its
        PDF (a run killed between the two renames): the run publishes nothing."""
        self.staged.unlink(missing_ok=True)
        self.staged_html.unlink(missing_ok=True)
        if not self.target.exists():
            self.html.unlink(missing_ok=True)


def stage_brief(data: BriefData, out_dir: Path, author: str) -> StagedBrief:
    """Render the brief for data.as_of, PDF and HTML edition, as hidden files beside their own
    names in out_dir.

    A back-dated brief (data.kind 'as-of') goes to out_dir/as-of/ and leaves latest-brief.*
    alone. Nothing a reader sees changes until StagedBrief.commit.
    """
    html = render_html(data, author)
    folder = out_dir / AS_OF_DIR if data.kind == "as-of" else out_dir
    target = next_brief_path(folder, data.as_of)
    staged = StagedBrief(partial_path(target), target,
                         out_dir / LATEST_NAME if data.kind == "regular" else None)
    try:
        _render_pdf(html, staged.staged, data.generated_at.astimezone(UTC), data.attachments)
        write_html(render_html(data, author, edition="html"), staged.staged_html)
    except BaseException:
        staged.discard()
        raise
    return staged


def render_brief(data: BriefData, out_dir: Path, author: str) -> Path:
    """Render the brief and publish it at once (no snapshot to publish with it); its PDF's
    path (the HTML edition is beside it)."""
    return stage_brief(data, out_dir, author).commit()
