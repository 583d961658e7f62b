"""``python -m aidc.optimizer``: the ``aidc`` command line."""

from aidc.optimizer.cli import run

if __name__ == "__main__":
    run()
