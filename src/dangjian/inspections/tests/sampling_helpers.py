"""Records for the sampling tests, added to the test world through the real services (acting_user=None).

Every date is fixed (none follows today), so a draw over these records has the same digest on every day
and on every database: the tests compare it with a recorded value.
"""

from datetime import date

from dangjian.activities.models import ActivityType
from dangjian.activities.services import do_record_activity
from dangjian.core.testing.fixtures import member_fields
from dangjian.members.choices import PositionTitle
from dangjian.members.services import do_assign_position, do_create_member, do_end_position
from dangjian.study.choices import NoteKind
from dangjian.study.services import do_write_note

AS_OF = date(2025, 6, 30)
PERIOD = (date(2025, 1, 1), date(2025, 6, 30))

# (world branch, name, sex, birth date, committee title or "" or "ended" or "group_leader")
PEOPLE = [
    ("a1", "陈一", "male", date(1970, 1, 1), PositionTitle.DEPUTY_SECRETARY),
    ("a1", "陈二", "female", date(1971, 2, 2), PositionTitle.ORGANIZATION_MEMBER),
    ("a1", "陈三", "male", date(1972, 3, 3), "ended"),
    ("a1", "陈四", "female", date(1973, 4, 4), "group_leader"),
    ("a1", "陈五", "male", date(1974, 5, 5), ""),
    ("a1", "陈六", "female", date(1975, 6, 6), ""),
    ("a2", "周一", "male", date(1976, 7, 7), PositionTitle.PROPAGANDA_MEMBER),
    ("a2", "周二", "female", date(1977, 8, 8), PositionTitle.DISCIPLINE_MEMBER),
    ("a2", "周三", "male", date(1978, 9, 9), "future"),
    ("a2", "周四", "female", date(1979, 10, 10), ""),
    ("b1", "吴一", "male", date(1980, 11, 11), PositionTitle.COMMITTEE_MEMBER),
    ("b1", "吴二", "female", date(1981, 12, 12), ""),
]
# Of the world's members, 张三丰 (A1), 王五 (A2) and 赵六 (B1) are 书记 since 2023-01-01; 李四 holds no post.
CADRES = {"town_a": 6, "town_b": 2}  # current committee posts on AS_OF, by town
MEMBERS = {"town_a": 13, "town_b": 3}  # active members, by town


def add_people(world) -> dict[str, object]:
    """The members of PEOPLE with their posts; {name: member}."""
    added = {}
    for seq, (branch, name, sex, born, post) in enumerate(PEOPLE):
        order = 2 * seq + (101 if sex == "male" else 100)  # odd for men, even for women
        member = do_create_member(
            acting_user=None,
            **member_fields(
                name,
                sex,
                born,
                seq=order,
                organization=world[branch],
                joined_on=date(born.year + 25, 7, 1),
                confirmed_on=date(born.year + 26, 7, 1),
            ),
        )
        _appoint(world, member, branch, post)
        added[name] = member
    return added


def _appoint(world, member, branch: str, post: str) -> None:
    if not post:
        return
    title = {"ended": PositionTitle.COMMITTEE_MEMBER, "future": PositionTitle.COMMITTEE_MEMBER}.get(
        post, post
    )
    started = date(2026, 1, 1) if post == "future" else date(2023, 1, 1)
    organization = world["a1_group"] if post == "group_leader" else world[branch]
    position = do_assign_position(
        member=member, organization=organization, title=title, started_on=started, acting_user=None
    )
    if post == "ended":
        do_end_position(position, ended_on=date(2024, 12, 31), acting_user=None)


def write_note(member, kind: str, written_on: date, title: str = "学习党章"):
    return do_write_note(
        acting_user=None,
        member=member,
        kind=kind,
        title=title,
        text=f"{title}。坚持学思用贯通、知信行统一。",
        written_on=written_on,
    )


def add_notes(world, people) -> dict[str, list]:
    """Notes of every cadre: two in the period (a note and a reflection) and one before it."""
    cadres = [world["zhang"], world["wang"], world["zhao"], people["陈一"], people["陈二"]]
    cadres += [people["周一"], people["周二"], people["吴一"]]
    notes = {"in": [], "out": []}
    for number, member in enumerate(cadres):
        notes["in"].append(write_note(member, NoteKind.STUDY_NOTE, date(2025, 3, 1 + number)))
        notes["in"].append(write_note(member, NoteKind.REFLECTION, date(2025, 6, 30), "学习心得"))
        notes["out"].append(write_note(member, NoteKind.STUDY_NOTE, date(2024, 12, 31)))
    return notes


def record_activity(world, org: str, held_on: date, theme: str, code: str = "theme_day"):
    return do_record_activity(
        acting_user=None,
        organization=world[org],
        activity_type=ActivityType.objects.get(code=code),
        held_on=held_on,
        theme=theme,
    )
