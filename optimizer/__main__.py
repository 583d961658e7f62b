"""``python -m aidc.optimizer``: the ``aidc`` command line."""

from aidc.optimizer.cli.main import main

if __name__ == "__main__":
    main()
