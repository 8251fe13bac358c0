"""`medtek jobs-recover`: fail the runs whose worker stopped answering and remove old uploaded files
(the worker does it every five minutes; idempotent, for cron too)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from medtek.jobs import services


class Command(BaseCommand):
    help = (
        "Fail the running jobs whose worker has been silent longer than MEDTEK_JOB_STALE_SECONDS and "
        "remove uploaded files older than MEDTEK_JOB_FILES_KEEP_DAYS."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        failed = services.job_recover()
        removed = services.job_files_tidy()
        self.stdout.write(f"Failed {failed} stale jobs, removed {removed} old files.")
