"""Regenerate or check the golden LP files: ``python -m tests.golden [--update] [FAMILY ...]``."""

from __future__ import annotations

import argparse
import sys

from tests.golden import SCENARIOS, exported_lp, golden_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.golden", description=__doc__)
    parser.add_argument("--update", action="store_true", help="rewrite the golden files from the current model")
    parser.add_argument("families", nargs="*", choices=[[], *SCENARIOS], metavar="FAMILY", help="default: every one")
    args = parser.parse_args(argv)
    differ = []
    for family in args.families or SCENARIOS:
        path = golden_path(family)
        text = exported_lp(family)
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        differ.append(family)
        if args.update:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
        else:
            print(f"differs: {path}")
    if not args.update:
        print(f"{len(differ)} of {len(args.families or SCENARIOS)} golden LP files differ")
    return 1 if differ and not args.update else 0


if __name__ == "__main__":
    sys.exit(main())
