from conv1d_core import *  # noqa: F401,F403  (a student's star import)

conv1d_forward = forward  # noqa: F405
conv1d_backward = backward  # noqa: F405

if __name__ == "__main__":
    # A self-test run only when the file is executed as a script: never while grading.
    import time
    time.sleep(3600)
    raise SystemExit("the main block must not run on import")
