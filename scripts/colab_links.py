"""Write the "Open in Colab" links and the setup cell's pip address from one configured address.

pyproject.toml's ``[project.urls] Repository`` (a GitHub address) is the one place the kit's
address is configured. From it this script writes:

- an "Open in Colab" badge as the first line of every notebook's title cell;
- the same badge in the README's notebook table (its "Colab" column);
- the default ``GANKIT_SOURCE`` of every notebook's setup cell, ``git+<Repository>``, which
  pip installs where gankit is not importable (Colab).

    python scripts/colab_links.py            # write them (running it again changes nothing)
    python scripts/colab_links.py --check    # exit 1 and name what is out of date
"""

import argparse
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
BRANCH = "main"
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
BADGE = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\((?P<target>[^)]*)\)")
# The setup cell's default address, on the line after `GANKIT_SOURCE = GANKIT_SOURCE or ...`.
DEFAULT_SOURCE = re.compile(r'^(\s+)"[^"]*"(\)\s+# the default: .*)$', re.M)
TABLE_SECTION = "## The notebooks"


def write_atomic(path, text):
    """Write ``text`` to ``path`` through a temporary file beside it, so that an interrupted run
    leaves each file whole. (The site's environment, which imports this script, has no gankit,
    so ``gankit.files.write_atomic`` is not at hand.)"""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def repository(root=ROOT):
    """The configured address, e.g. ``"https://github.com/gankit-course/gankit"``.

    Raises:
        SystemExit: if pyproject.toml has no GitHub ``Repository`` address.
    """
    import tomllib  # Python 3.11+

    with open(root / "pyproject.toml", "rb") as f:
        url = tomllib.load(f).get("project", {}).get("urls", {}).get("Repository", "")
    url = url.strip().removesuffix("/").removesuffix(".git")
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise SystemExit(
            f"pyproject.toml: [project.urls] Repository is {url!r}; Colab opens notebooks from "
            'GitHub only: set it to "https://github.com/<owner>/<repo>".')
    return url


def colab_url(url, name):
    """The address that opens ``notebooks/<name>.ipynb`` of the repository at ``url`` in Colab."""
    path = url.removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{path}/blob/{BRANCH}/notebooks/{name}.ipynb"


def badge(url, name):
    """The "Open in Colab" badge of ``notebooks/<name>.ipynb`` in the repository at ``url``."""
    return f"[![Open In Colab]({BADGE_IMAGE})]({colab_url(url, name)})"


def text_links(text, label="Open in Colab"):
    """``text`` with every badge written as a plain link (no remote image) that reads ``label``."""
    return BADGE.sub(lambda m: f"[{label}]({m['target']})", text)


def pip_source(url):
    """The pip address of the repository at ``url``: ``git+<url>``."""
    return f"git+{url}"


def _lines(text):
    return text.splitlines(keepends=True)


def notebook_text(text, name, url):
    """The notebook file ``text`` with its badge and its setup cell's default address up to date."""
    notebook = json.loads(text)
    title = next(cell for cell in notebook["cells"] if cell["cell_type"] == "markdown")
    body = "".join(title["source"])
    if BADGE.match(body):
        body = BADGE.sub("", body, count=1).lstrip("\n")
    title["source"] = _lines(f"{badge(url, name)}\n\n{body}")
    setup = next(cell for cell in notebook["cells"] if cell["cell_type"] == "code")
    code = "".join(setup["source"])
    if not DEFAULT_SOURCE.search(code):
        raise SystemExit(f"notebooks/{name}.ipynb: the setup cell has no default address line "
                         '(`    "git+...")  # the default: ...`); copy the setup cell of '
                         "another notebook.")
    code = DEFAULT_SOURCE.sub(lambda m: f'{m[1]}"{pip_source(url)}"{m[2]}', code, count=1)
    setup["source"] = _lines(code)
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def _cells(row):
    return [cell.strip() for cell in row.strip().strip("|").split("|")]


def readme_text(text, url):
    """The README ``text`` with a "Colab" column of badges in the notebook table."""
    lines = text.split("\n")
    start = lines.index(TABLE_SECTION)
    first = next(i for i in range(start, len(lines)) if lines[i].startswith("|"))
    end = next(i for i in range(first, len(lines)) if not lines[i].startswith("|"))
    rows = []
    for i, line in enumerate(lines[first:end]):
        cells = _cells(line)
        if len(cells) not in (2, 3):
            raise SystemExit(f"README.md: the notebook table has 2 or 3 columns, not: {line}")
        if i == 0:
            rows.append(f"| {cells[0]} | Colab | {cells[-1]} |")
        elif i == 1:
            rows.append("|---|---|---|")
        else:
            found = re.search(r"\(notebooks/([\w-]+)\.ipynb\)", cells[0])
            if not found:
                raise SystemExit(f"README.md: a row of the notebook table names no notebook: {line}")
            rows.append(f"| {cells[0]} | {badge(url, found[1])} | {cells[-1]} |")
    return "\n".join(lines[:first] + rows + lines[end:])


def updates(root=ROOT):
    """``{path: new text}`` of every file whose links or address are out of date."""
    url = repository(root)
    changed = {}
    # the source with solutions (notebooks/solutions/) links to the student version it makes
    for path in sorted([*(root / "notebooks").glob("*.ipynb"),
                        *(root / "notebooks" / "solutions").glob("*.ipynb")]):
        text = path.read_text()
        new = notebook_text(text, path.stem, url)
        if new != text:
            changed[path] = new
    readme = root / "README.md"
    text = readme.read_text()
    new = readme_text(text, url)
    if new != text:
        changed[readme] = new
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 and name the files that are out of date")
    parser.add_argument("--root", type=pathlib.Path, default=ROOT,
                        help="the checkout (default: the one this script is in)")
    args = parser.parse_args(argv)
    changed = updates(args.root)
    url = repository(args.root)
    if args.check:
        for path in changed:
            print(f"out of date: {path.relative_to(args.root)} (links or address not built from "
                  f"{url}); run `python scripts/colab_links.py`")
        if not changed:
            print(f"Colab links and the setup cells' address are built from {url}.")
        return 1 if changed else 0
    for path, text in changed.items():
        write_atomic(path, text)
        print(f"wrote {path.relative_to(args.root)}")
    print(f"Colab links and the setup cells' address are built from {url} "
          f"({len(changed)} file(s) changed).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
