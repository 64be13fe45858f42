from datetime import date

import pytest

from dangjian.youth import services


@pytest.fixture
def youth(world):
    return services.do_create_youth_organization(
        acting_user=None, organization=world["a1"], name="A1村团支部"
    )


@pytest.fixture
def recommend(world, youth):
    def make(name="王青年", birth_date=date(2001, 4, 5), org="a1", **extra):
        fields = {
            "name": name,
            "sex": "female",
            "birth_date": birth_date,
            "education": "",
            "occupation": "村团支部委员",
            "recommended_on": date(2025, 3, 1),
            "attendees": 20,
            "votes_for": 18,
            "votes_against": 1,
            "opinion": "该同志思想进步，工作积极，同意推荐。",
            **extra,
        }
        return services.do_create_recommendation(
            acting_user=None, organization=world[org], youth_organization=youth, **fields
        )

    return make
