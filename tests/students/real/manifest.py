"""What the real-style submissions in this folder are, and what each buggy
variant gets wrong.

CORRECT: the stems of the correct submissions, each in the style of a public
course and adapted to the kit's API:
- cs231n_style: CS231n assignment 2, conv_forward_naive / conv_backward_naive
  with conv_param and cache, loops over n, f, i, j.
- cmu_style: CMU 11-785 HW2P1, Conv1d_stride1 / Conv2d_stride1 classes,
  Downsample2d for the stride, Conv2d = pad + stride-1 conv + downsample.
- nhwc_adapter: a channels-last (NHWC images, HWIO filters) layer vectorised
  with sliding_window_view and einsum, behind NCHW / OIHW adapters.

BUGS[stem] = {"id": misconception id or None, "wrong": {part: [outputs]}}, in
the format of samples/students/manifest.py: each buggy variant imports its
correct submission and replaces one function with the slip real students of
that course make.
"""

CORRECT = ("cs231n_style", "cmu_style", "nhwc_adapter")

BUGS = {
    "cs231n_style_bug_strip_slice": {
        # dx = dx_pad[:, :, pad:-pad, pad:-pad] in conv_backward_naive: empty
        # whenever pad == 0 (every case of 1d and 2d, some of the others),
        # right when pad > 0. Every kit function goes through the naive layer.
        "id": "dx_padding_slice",
        "wrong": {"1d": ["dx"], "2d": ["dx"], "stride": ["dx"], "chw": ["dx"], "batch": ["dx"]},
    },
    "cmu_style_bug_dLdW_one_sample": {
        # Conv2d_stride1.backward assigns dLdW sample by sample: the last
        # sample's gradient. Right when N == 1, i.e. everywhere but "batch".
        # (conv1d goes through Conv1d_stride1, which is untouched.)
        "id": "dw_one_sample",
        "wrong": {"batch": ["dw"]},
    },
    "nhwc_adapter_bug_kernel_hwoi": {
        # the OIHW kernel is transposed to HWOI and used as HWIO: right when
        # C == F == 1 (1d, 2d, stride), forward and dx wrong when C == F > 1
        # or C == 1 < F (einsum broadcasts the size-1 axis), and the forward
        # and backward raise for the other C != F.
        "id": None,
        "wrong": {"chw": ["forward", "dx", "dw", "db"], "batch": ["forward", "dx", "dw", "db"]},
    },
}

PARTS = ("1d", "2d", "stride", "chw", "batch")
OUTPUTS = ("forward", "dx", "dw", "db")
