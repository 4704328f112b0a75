"""convkit's grading engine: ``python -m autograder grade PATH [--json]``."""
