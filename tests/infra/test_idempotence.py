"""A second run of site.yml changes nothing; check mode on the built estate changes and fails nothing."""

import pytest

pytestmark = pytest.mark.slow


def test_first_run_built_something(built):
    assert len(built.first.changed) > 30


def test_second_run_changes_nothing(built):
    assert built.second.returncode == 0, built.second.explain()
    assert [f"{t.play}: {t.task}" for t in built.second.changed] == []
    assert built.second.stats["localhost"]["changed"] == 0


def test_check_mode_on_the_built_estate_changes_and_fails_nothing(built):
    assert built.check.returncode == 0, built.check.explain()
    assert built.check.failed == []
    assert [f"{t.play}: {t.task}" for t in built.check.changed] == []
