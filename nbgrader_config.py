"""nbgrader's configuration: the repository root is the course root."""
c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.root = "."
c.CourseDirectory.course_id = "convkit"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "assignments"   # the student release, committed
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
