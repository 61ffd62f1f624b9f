"""``python -m jidi_docs`` runs the command line."""

from jidi_docs.cli import run

if __name__ == "__main__":
    run()
