#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wastewatch.config.settings")
    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(sys.argv)
    except KeyboardInterrupt:
        # Ctrl-C (or serve stopping its children) can land while a command is still starting up,
        # before it handles the signal itself: stop quietly, with the shell's code for SIGINT.
        sys.exit(130)
