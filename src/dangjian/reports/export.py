"""A draft as an official document (GB/T 9704-2012 layout by reports.officedoc) in .docx or PDF."""

from .rendering import blocks, substitute


class ExportUnavailable(Exception):
    """The PDF converter (LibreOffice) is not installed here; the message says so in Chinese."""


def draft_blocks(draft) -> list[tuple[str, str]]:
    """(kind, text) of each block with every figure written out as the draft shows it."""
    uses = {str(use.number): use for use in draft.figures.all()}
    return [(block.kind, substitute(block.text, uses, lambda use: use.text)) for block in blocks(draft.body)]


def to_document(draft):
    from dangjian.reports.officedoc import Block, OfficialDocument  # engineer E2's module, loaded late

    return OfficialDocument(
        title=draft.title,
        blocks=[Block(kind, text) for kind, text in draft_blocks(draft)],
        issuer=draft.issuer or draft.organization.name,
        issued_on=draft.issued_on or draft.created_at.date(),
    )


def render(draft, fmt: str) -> bytes:
    """The draft as .docx ("docx") or PDF ("pdf"); PDF raises pdf.ConverterMissing without LibreOffice."""
    from dangjian.reports.officedoc import render_docx

    data = render_docx(to_document(draft))
    if fmt == "pdf":
        from dangjian.reports.pdf import ConverterMissing, docx_to_pdf

        try:
            return docx_to_pdf(data)
        except ConverterMissing as error:
            raise ExportUnavailable(str(error)) from error
    return data


CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
