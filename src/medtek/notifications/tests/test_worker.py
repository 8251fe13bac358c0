"""The worker's queue: a task enqueued through Redis (the production setting) runs."""

from __future__ import annotations

import os

import pytest

REDIS_URL = os.environ.get("MEDTEK_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def redis_huey():
    redis = pytest.importorskip("redis")
    from huey import RedisHuey

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} (MEDTEK_TEST_REDIS_URL); the queue test needs it")
    return RedisHuey("medtek-test", url=REDIS_URL)


def test_a_task_goes_through_redis_and_runs():
    huey = redis_huey()
    huey.flush()
    ran = []

    @huey.task()
    def add(a: int, b: int) -> int:
        ran.append((a, b))
        return a + b

    result = add(2, 3)
    assert huey.pending_count() == 1
    task = huey.dequeue()
    huey.execute(task)
    assert ran == [(2, 3)]
    assert result.get() == 5
    huey.flush()


def test_the_production_setting_picks_redis(monkeypatch):
    import importlib

    monkeypatch.setenv("MEDTEK_QUEUE_URL", "redis://127.0.0.1:6379/5")
    import medtek.config.settings.base as base

    reloaded = importlib.reload(base)
    assert reloaded.HUEY["huey_class"] == "huey.RedisHuey"
    monkeypatch.delenv("MEDTEK_QUEUE_URL")
    assert importlib.reload(base).HUEY["huey_class"] == "huey.SqliteHuey"


@pytest.mark.django_db
def test_the_delivery_job_is_a_command(capsys):
    from django.core.management import call_command

    call_command("notify", "deliver")
    assert "Sent 0, retrying 0, failed 0, withheld 0." in capsys.readouterr().out


@pytest.mark.django_db
def test_the_scheduled_jobs_run_the_same_commands(capsys):
    from medtek.notifications import tasks

    tasks.deliver.call_local()
    tasks.check.call_local()
    out = capsys.readouterr().out
    assert "Sent 0, retrying 0, failed 0, withheld 0." in out
    assert "sla: 0 new, notice: 0 new, index: 0 new" in out
