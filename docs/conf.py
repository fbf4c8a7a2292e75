"""Sphinx configuration of the course site.

``scripts/build_site.py`` stages the sources (the student notebooks, the README, INSTRUCTORS.md)
into ``build/site/<setting>/src`` and runs Sphinx there with this folder as its configuration.
myst-nb executes each notebook through jupyter-cache: a notebook runs again only when its code
cells change, and the build writes a key of gankit's sources and the setting into each
notebook's setup cell, so that a change to the package re-runs them too.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import colab_links  # noqa: E402
import execute_notebooks  # noqa: E402

project = "gankit"
html_title = "gankit: GANs on MNIST with Keras 3"
extensions = ["myst_nb"]
exclude_patterns = ["README.md", "downloads", "gankit", "benchmarks", "**.ipynb_checkpoints"]

# Notebooks: executed in the cache (build/site/<setting>/.jupyter_cache), a failure stops the build.
nb_execution_mode = "cache"
nb_execution_timeout = execute_notebooks.CELL_TIMEOUT
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
nb_ipywidgets_js = {}  # no widgets, and no script from a CDN
myst_enable_extensions = ["dollarmath", "amsmath", "substitution"]
# the setting the notebooks ran in (scripts/build_site.py sets it), named on the home page
myst_substitutions = {"setting": os.environ.get("GANKIT_SETTING", "quick")}
myst_heading_anchors = 3

# Math from the local copy of MathJax that scripts/setup_site.sh takes from npm, not a CDN.
STATIC = Path(os.environ.get("GANKIT_SITE_STATIC", ROOT / ".venv-site" / "share" / "gankit-site"))
if not (STATIC / "mathjax" / "tex-chtml.js").is_file():
    raise RuntimeError(f"no MathJax in {STATIC}: run `bash scripts/setup_site.sh`")
html_static_path = [str(STATIC)]
mathjax_path = "mathjax/tex-chtml.js"

html_theme = "sphinx_book_theme"
html_copy_source = False  # the staged sources are not the notebooks as stored
html_show_sourcelink = False
html_show_copyright = False
html_last_updated_fmt = None
html_theme_options = {
    "repository_url": colab_links.repository(),
    "repository_branch": colab_links.BRANCH,
    "path_to_docs": "",  # pages sit where their notebooks sit in the repository
    "use_repository_button": True,
    "use_download_button": False,  # each notebook page links the .ipynb as stored instead
    "launch_buttons": {"colab_url": "https://colab.research.google.com"},
    "show_toc_level": 2,
}
# The colour mode a first visit starts in (else the theme logs "Got invalid theme mode" as an error).
html_context = {"default_mode": "auto"}
