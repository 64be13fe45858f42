"""Helpers of the seeding tests."""

import io

from django.core.management import call_command


def run_seed(*args, **options) -> str:
    """What `dangjian seed …` prints."""
    out = io.StringIO()
    call_command("seed", *args, stdout=out, **options)
    return out.getvalue()


def plan_facts(plan):
    """(organizations, people) of a seed plan, comparable between two plans."""
    orgs = [(node.path, node.code, node.name, node.kind) for node in plan.nodes()]
    people = [(person.name, person.id_number, person.birth_date) for person in plan.people()]
    return orgs, people
