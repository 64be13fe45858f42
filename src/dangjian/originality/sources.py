"""The adapter between the check and the texts it reads: the study app's notes (学习笔记、心得体会).

The engine and the check know notes only through these functions; nothing else here reads the study
app's models, so a change there is a change in this file only.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.apps import apps
from django.urls import NoReverseMatch


@dataclass(frozen=True)
class NoteRow:
    """What the check needs of a note without its text."""

    id: int
    organization_id: int
    kind: str
    written_on: date
    updated_at: datetime


@dataclass(frozen=True)
class NoteText:
    """A note as shown next to another: its text and who wrote it."""

    id: int
    title: str
    text: str
    kind: str
    kind_label: str
    author: str
    organization: str
    written_on: date
    url: str


def note_model():
    return apps.get_model("study", "Note")


def kind_choices() -> list[tuple[str, str]]:
    return list(note_model()._meta.get_field("kind").choices)


def visible_notes(user):
    """The notes `user` may read (None: every note, for the command line)."""
    manager = note_model().objects
    return manager.all() if user is None else manager.visible_to(user)


def notes_for_check(user, organization, start: date, end: date, kind: str = "", sample=()):
    """The notes of `organization`'s subtree written in [start, end] (of `kind`; among `sample`, the ids
    of an inspection sample, when given), as `user` may read."""
    notes = visible_notes(user).in_subtree(organization).filter(written_on__range=(start, end))
    if kind:
        notes = notes.filter(kind=kind)
    if sample:
        notes = notes.filter(pk__in=list(sample))
    return notes


def rows(notes) -> list[NoteRow]:
    fields = ("id", "organization_id", "kind", "written_on", "updated_at")
    return [NoteRow(*values) for values in notes.order_by("id").values_list(*fields)]


def texts_by_id(ids) -> dict[int, str]:
    return dict(note_model().objects.filter(pk__in=list(ids)).values_list("id", "text"))


def note_of(note) -> NoteRow:
    """The row of one note object (for `services.fingerprint`)."""
    return NoteRow(note.pk, note.organization_id, note.kind, note.written_on, note.updated_at)


def _url(note) -> str:
    try:
        return note.get_absolute_url()
    except NoReverseMatch:  # the study pages are not routed (e.g. a deployment without them)
        return ""


def shown(notes) -> dict[int, NoteText]:
    """Notes with their author and organization, for lists and the side-by-side page."""
    found = {}
    for note in notes.select_related("member", "organization"):
        found[note.pk] = NoteText(
            note.pk,
            note.title,
            note.text,
            note.kind,
            note.get_kind_display(),
            note.member.name,
            note.organization.name,
            note.written_on,
            _url(note),
        )
    return found
