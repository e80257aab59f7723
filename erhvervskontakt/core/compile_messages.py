"""Compile gettext catalogues with polib where GNU msgfmt is not installed (``make setup`` fallback)."""

from pathlib import Path

import polib


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    for po_path in root.rglob("locale/*/LC_MESSAGES/*.po"):
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
        print(f"compiled {po_path.relative_to(root)}")


if __name__ == "__main__":
    main()
