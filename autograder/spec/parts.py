"""The six graded parts: their functions, points, notebooks and array shapes.

Every part is a special case of the batch layer: 1D is (N, C, H) = (1, 1, 1),
one image is (N, C) = (1, 1), and so on. A part's ``lead`` says how many
leading axes of the batch form its own arrays drop, which lets one set of
test cases, one reference and one catalogue of misconceptions serve all of
them.
"""
from dataclasses import dataclass

# What each output of a layer is worth within its part; they add up to 1.
OUTPUT_WEIGHTS = {"forward": 0.3, "dx": 0.3, "dw": 0.3, "db": 0.1}
OUTPUTS = tuple(OUTPUT_WEIGHTS)
# The cnn part has one output, the held-out accuracy of the tiny CNN trained with the student's layer.
CNN_OUTPUTS = ("accuracy",)


@dataclass(frozen=True)
class Part:
    key: str
    notebook: str
    points: float
    forward: str = ""
    backward: str = ""
    lead: int = 0           # leading axes dropped from x, y, dx, dy
    w_lead: int = 0         # leading axes dropped from w, dw
    scalar_bias: bool = False
    conv_args: bool = True  # the functions take stride= and pad=
    outputs: tuple = OUTPUTS  # what is graded, each output in its own hidden test cell (see grade_id)

    @property
    def functions(self):
        return tuple(name for name in (self.forward, self.backward) if name)

    def output_points(self, output):
        """The most one output can earn: its weight's share of the part (the cnn part's one output, all of it)."""
        return self.points * OUTPUT_WEIGHTS[output] if output in OUTPUT_WEIGHTS else self.points

    def outputs_of(self, function):
        """The outputs a function of this part produces."""
        return ("forward",) if function == self.forward else ("dx", "dw", "db")

    # --- between the batch form and the part's own arrays -------------------
    def native(self, item, array):
        """Turn a batch-form array (x, w, b, y, dy, dx, dw or db) into this part's shape."""
        if item in ("b", "db"):
            return float(array[0]) if self.scalar_bias else array
        lead = self.w_lead if item in ("w", "dw") else self.lead
        return array[(0,) * lead]

    def describe(self, case):
        """A case as the student sees it: 'x (5, 4), w (3, 2), stride 2, pad 1'."""
        text = f"x {self.native('x', case.x).shape}, w {self.native('w', case.w).shape}"
        if self.conv_args:
            text += f", stride {case.stride}, pad {case.pad}"
        return text


PARTS = {
    part.key: part for part in (
        Part("1d", "01_conv1d.ipynb", 15.0, "conv1d_forward", "conv1d_backward",
             lead=3, w_lead=3, scalar_bias=True, conv_args=False),
        Part("2d", "02_conv2d.ipynb", 15.0, "conv2d_forward", "conv2d_backward",
             lead=2, w_lead=2, scalar_bias=True, conv_args=False),
        Part("stride", "03_stride_padding.ipynb", 20.0, "conv2d_forward", "conv2d_backward",
             lead=2, w_lead=2, scalar_bias=True),
        Part("chw", "04_channels.ipynb", 15.0, "conv_forward_chw", "conv_backward_chw", lead=1),
        Part("batch", "05_batch.ipynb", 15.0, "conv_forward", "conv_backward"),
        Part("cnn", "05_batch.ipynb", 20.0, "conv_forward", "conv_backward", outputs=CNN_OUTPUTS),
    )
}
assert sum(part.points for part in PARTS.values()) == 100.0

# Which parts a notebook is graded for, by its file name.
NOTEBOOK_PARTS = {}
for _part in PARTS.values():
    NOTEBOOK_PARTS.setdefault(_part.notebook, []).append(_part.key)


def api_functions():
    """Every function name of the student API."""
    return sorted({name for part in PARTS.values() for name in part.functions})


# The nbgrader id of the hidden test cell that scores one output of a part.
GRADE_ID_PREFIX = "test"


def grade_id(part_key, output):
    """The grade id of the hidden test cell for ``output`` of the part ``part_key``: ``test-2d-dx``.

    Parameters
    ----------
    part_key : str
        A key of :data:`PARTS`.
    output : str
        One of that part's ``outputs``.

    Returns
    -------
    str
    """
    return f"{GRADE_ID_PREFIX}-{part_key}-{output}"


def parse_grade_id(name):
    """The (part key, output) that a grade id scores, or None when it is not a hidden test cell's id.

    Parameters
    ----------
    name : str
        An nbgrader cell id, e.g. ``"test-2d-dx"`` or ``"solution-conv2d_forward"``.

    Returns
    -------
    tuple of (str, str) or None
        None for an id :func:`grade_id` does not make: another kind of cell,
        an unknown part, or an output the part does not have.
    """
    pieces = name.split("-")
    if len(pieces) != 3 or pieces[0] != GRADE_ID_PREFIX:
        return None
    _, part_key, output = pieces
    if part_key not in PARTS or output not in PARTS[part_key].outputs:
        return None
    return part_key, output
