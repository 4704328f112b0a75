"""What every buggy fixture submission in this folder gets wrong.

BUGS[stem] = {"id": misconception id or None, "wrong": {part: [outputs]}}

- stem: the file name without ".py" (bug_*.py in this folder).
- id: the misconception the grader should name in its feedback, or None when
  the bug is not one of the catalogued misconceptions (the grader should
  still take points off, but cannot name it).
- wrong: exactly the parts that must lose points, each with the outputs
  ("forward", "dx", "dw", "db") that differ from the reference (value, shape
  or dtype) for SOME valid input. Parts not listed are correct for every
  valid input. When a function crashes, hangs or raises, all the outputs it
  should have returned are listed. Remember that conv2d_forward /
  conv2d_backward serve both part "2d" (always called as f(x, w, b) /
  f(dy, x, w), i.e. stride=1, pad=0) and part "stride" (called with the
  keywords stride= and pad=).

Every fixture defines all ten functions of the API (eight names): the ones it
does not break are imported from honest_loops.
"""

BUGS = {
    # ---------------------------------------------------------- forward
    "bug_forward_flipped_2d": {
        "id": "forward_kernel_flipped",
        "wrong": {"2d": ["forward"], "stride": ["forward"]},
    },
    "bug_forward_flipped_1d": {
        # np.convolve(x, w, "valid"): true convolution.
        "id": "forward_kernel_flipped",
        "wrong": {"1d": ["forward"]},
    },
    "bug_bias_missing_chw": {
        "id": "forward_bias_missing",
        "wrong": {"chw": ["forward"]},
    },
    "bug_output_size_stride": {
        # Ho = (H + 2p - KH + 1) // s: equals the right size when s == 1,
        # so part "2d" is fine; wrong shape only for some s > 1.
        "id": "forward_output_size",
        "wrong": {"stride": ["forward"]},
    },
    "bug_output_size_nopad": {
        # Ho = (H - KH) // s + 1: wrong shape only when pad > 0.
        "id": "forward_output_size",
        "wrong": {"batch": ["forward"]},
    },
    # --------------------------------------------------------------- dx
    "bug_dx_not_rotated": {
        # full convolution of the dilated dy with the un-rotated kernel.
        "id": "dx_kernel_not_rotated",
        "wrong": {"2d": ["dx"], "stride": ["dx"]},
    },
    "bug_dx_not_rotated_1d": {
        "id": "dx_kernel_not_rotated",
        "wrong": {"1d": ["dx"]},
    },
    "bug_dx_not_dilated": {
        # scatter at (i, j) instead of (i*s, j*s): right when s == 1.
        "id": "dx_dout_not_dilated",
        "wrong": {"stride": ["dx"]},
    },
    "bug_dx_not_dilated_chw": {
        # full convolution of the un-dilated dy, written into the top-left
        # corner of dx_pad: right when s == 1.
        "id": "dx_dout_not_dilated",
        "wrong": {"chw": ["dx"]},
    },
    "bug_dx_padding_not_stripped": {
        # dx has shape (C, H+2p, W+2p): wrong only when pad > 0.
        "id": "dx_padding_not_stripped",
        "wrong": {"chw": ["dx"]},
    },
    "bug_dx_windows_assigned": {
        # right whenever windows do not overlap (1x1 kernel, stride >= k,
        # a single output position), wrong otherwise.
        "id": "dx_windows_assigned",
        "wrong": {"2d": ["dx"], "stride": ["dx"]},
    },
    "bug_dx_one_filter": {
        # right when F == 1.
        "id": "dx_one_filter",
        "wrong": {"chw": ["dx"]},
    },
    # --------------------------------------------------------------- dw
    "bug_sign_dw_batch": {
        "id": "sign_flipped",
        "wrong": {"batch": ["dw"]},
    },
    "bug_dw_rotated": {
        "id": "dw_rotated",
        "wrong": {"2d": ["dw"], "stride": ["dw"]},
    },
    "bug_dw_stride_ignored": {
        # x window at i + m instead of i*s + m: right when s == 1.
        "id": "dw_stride_ignored",
        "wrong": {"stride": ["dw"]},
    },
    "bug_dw_averaged_over_batch": {
        # right when N == 1.
        "id": "dw_averaged_over_batch",
        "wrong": {"batch": ["dw"]},
    },
    "bug_dw_one_sample": {
        # right when N == 1.
        "id": "dw_one_sample",
        "wrong": {"batch": ["dw"]},
    },
    # --------------------------------------------------------------- db
    "bug_db_averaged": {
        # right when dy has a single element.
        "id": "db_averaged",
        "wrong": {"2d": ["db"], "stride": ["db"]},
    },
    "bug_db_one_sample": {
        "id": "db_one_sample",
        "wrong": {"batch": ["db"]},
    },
    # ------------------------------------------------- special behaviour
    "bug_modifies_input": {
        # conv1d_backward does `dx = x; dx[:] = 0; dx[...] += ...`: every
        # returned value is right, but the caller's x is overwritten with dx
        # (and dx *is* x). Part "1d" must lose points although no output is
        # wrong, hence the empty list.
        "id": "modified_input",
        "wrong": {"1d": []},
    },
    "bug_float32": {
        # conv2d_forward / conv2d_backward return float32 arrays (and db as
        # np.float32, not a Python float); values agree only to ~1e-7.
        "id": "float32",
        "wrong": {
            "2d": ["forward", "dx", "dw", "db"],
            "stride": ["forward", "dx", "dw", "db"],
        },
    },
    "bug_hang_2d": {
        # conv2d_backward never returns (while loop without i += 1);
        # conv2d_forward is fine.
        "id": "hang",
        "wrong": {"2d": ["dx", "dw", "db"], "stride": ["dx", "dw", "db"]},
    },
    "bug_crash_chw": {
        # conv_forward_chw calls os._exit(1) (after printing to stdout):
        # the process dies; conv_backward_chw is fine if run in a fresh
        # process.
        "id": "crash",
        "wrong": {"chw": ["forward"]},
    },
    "bug_raises_stride": {
        # conv2d_backward raises IndexError for every call with stride > 1,
        # and is right for stride == 1 (part "2d" is fine).
        "id": None,
        "wrong": {"stride": ["dx", "dw", "db"]},
    },
    # ------------------------------------- bugs the grader cannot name
    "bug_pad_top_left": {
        # x is written into the top-left corner of the padded array (all
        # 2*pad zeros at the bottom/right), consistently in forward and
        # backward: only visible with pad > 0; db stays right.
        "id": None,
        "wrong": {"stride": ["forward", "dx", "dw"]},
    },
    "bug_forward_off_by_one_1d": {
        # the last output is 0 (loop over range(L - K)); the shape is right.
        "id": None,
        "wrong": {"1d": ["forward"]},
    },
    "bug_strip_negative_index": {
        # dx = dxp[pad:-pad, pad:-pad] is empty when pad == 0, i.e. always
        # in part "2d", and right when pad > 0.
        "id": None,
        "wrong": {"2d": ["dx"], "stride": ["dx"]},
    },
    "bug_forward_stride_ignored": {
        # right output size, but windows read at (i, j), not (i*s, j*s).
        "id": "forward_stride_ignored",
        "wrong": {"stride": ["forward"]},
    },
    "bug_bias_broadcast_chw": {
        # out + b with b (F,) broadcasts along the columns: right when
        # F == 1, wrong values when Wo == F, ValueError (or a wrong shape
        # when Wo == 1) otherwise.
        "id": None,
        "wrong": {"chw": ["forward"]},
    },
}

PARTS = ("1d", "2d", "stride", "chw", "batch")
OUTPUTS = ("forward", "dx", "dw", "db")
