"""The output size of a convolution, written once in convkit.geometry."""
import itertools

from convkit.figures.stride import coverage_counts
from convkit.geometry import output_size
from solutions.reference.geometry import output_size as reference_output_size


def test_the_output_size_floors_when_the_stride_does_not_divide():
    """Is the last, partial window dropped when the stride does not divide size + 2*pad - kernel?"""
    assert output_size(5, 3) == 3
    assert output_size(5, 3, stride=1, pad=1) == 5
    assert output_size(6, 3, stride=2, pad=1) == 3   # (6 + 2 - 3) // 2 + 1
    assert output_size(7, 2, stride=3) == 2          # the last column is read by no window


def test_the_output_size_is_the_references_wherever_the_kernel_fits():
    """Does convkit's output size agree with the hidden reference's for every kernel that fits the padded input?"""
    for size, kernel, stride, pad in itertools.product(range(1, 9), range(1, 9), range(1, 4), range(3)):
        if kernel <= size + 2 * pad:
            assert output_size(size, kernel, stride, pad) == reference_output_size(size, kernel, stride, pad)


def test_the_coverage_figure_counts_one_window_per_output_position():
    """Does the coverage figure count as many windows as the output has positions, each kernel-sized?"""
    counts = coverage_counts((7, 6), (3, 2), stride=2, pad=1)
    assert counts.sum() == output_size(7, 3, 2, 1) * output_size(6, 2, 2, 1) * 3 * 2
