"""The `medtek` command: Django's management commands with medtek's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medtek.config.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["medtek", *sys.argv[1:]])


if __name__ == "__main__":
    main()
