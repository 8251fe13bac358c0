from django.db import models
from django.utils.translation import pgettext_lazy


class JobState(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("job state", "Waiting")
    RUNNING = "running", pgettext_lazy("job state", "Running")
    DONE = "done", pgettext_lazy("job state", "Done")
    FAILED = "failed", pgettext_lazy("job state", "Failed")


FINISHED = frozenset({JobState.DONE, JobState.FAILED})
