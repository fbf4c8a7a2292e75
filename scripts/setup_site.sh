#!/usr/bin/env bash
# The course site's set-up, apart from the learner's (scripts/setup.sh), which never needs root
# or a browser:
#   .venv-site                      requirements-site.txt (Sphinx, myst-nb, the book theme, playwright)
#   .venv-site/share/gankit-site/   MathJax 3 from its npm package, which the build copies into
#                                   the site so that pages render math without a CDN
#   chromium                        Debian's browser for scripts/check_site.py, installed with apt
#                                   when run as root (else it says what to install)
# The notebooks run in .venv's kernel: run scripts/setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1
MATHJAX_VERSION=3.2.2
MATHJAX_SHA256=1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09

echo "== installing the site's tools (.venv-site)"
rm -rf .venv-site
python3 -m venv .venv-site
.venv-site/bin/pip install -q -r requirements-site.txt

echo "== MathJax $MATHJAX_VERSION from npm (served from the site itself)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "mathjax@$MATHJAX_VERSION" > /dev/null)
echo "$MATHJAX_SHA256  $tmp/mathjax-$MATHJAX_VERSION.tgz" | sha256sum --check --quiet
tar -xzf "$tmp/mathjax-$MATHJAX_VERSION.tgz" -C "$tmp"
static=.venv-site/share/gankit-site/mathjax
mkdir -p "$static/output"
# the TeX-to-HTML component, what it loads on demand (TeX extensions, fonts, the menu's
# accessibility parts) and the licence
cp -r "$tmp/package/es5/"{tex-chtml.js,input,a11y,ui,adaptors,sre} "$static/"
cp -r "$tmp/package/es5/output/chtml" "$static/output/"
cp "$tmp/package/LICENSE" "$static/"

if command -v chromium > /dev/null; then
    echo "== chromium: $(chromium --version 2>/dev/null || echo installed)"
elif [ "$(id -u)" = 0 ]; then
    echo "== installing Debian's chromium (the browser check)"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
else
    echo "== no chromium: the browser check needs it (as root: apt-get install chromium)"
fi
