"""Adversarial test of the CLI: generated attacks, a harness process that runs them under
memory and time limits, and the checks every outcome must pass (see tests/test_adversarial.py)."""
