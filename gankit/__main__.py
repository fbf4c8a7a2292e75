"""``python -m gankit``: the command line (``gankit.cli``)."""

from gankit import logs

logs.quiet_tensorflow(import_now=True)  # before the command line imports Keras

from gankit.cli import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
