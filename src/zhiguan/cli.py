"""The `zhiguan` command: Django's management commands plus the platform's own.

zhiguan migrate | zhiguan demo | zhiguan serve | zhiguan createsuperuser | ...
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiguan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["zhiguan", *sys.argv[1:]])


if __name__ == "__main__":
    main()
