"""Check the data pack after editing it: ``make check-data`` (or ``python -m scripts.check_data [DIR]``).

Prints each table with its row count and every problem; exits 1 if there is any error, 0 otherwise.
"""

import sys

from components.pack.load import DEFAULT_DATA_DIR, load_datapack, report


def main(argv: list[str]) -> int:
    pack = load_datapack(argv[0] if argv else DEFAULT_DATA_DIR)
    print(report(pack))
    return 1 if pack.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
