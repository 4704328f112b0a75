"""nbgrader's configuration: the repository root is the course root."""
import os

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))  # noqa: F821
c.CourseDirectory.course_id = "convkit"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "assignments"   # the student release, committed
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"

# Seconds per cell while autograding: the tiny CNN's cells train for several
# seconds with a loop implementation; the grader's own limits are tighter.
c.Execute.timeout = 300
