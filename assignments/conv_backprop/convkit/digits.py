"""Real handwritten digits, shipped with the kit (no download).

``digits.npz`` holds the 1,797 8x8 grey-level images of the UCI "Optical
Recognition of Handwritten Digits" data set (as bundled by scikit-learn),
pixel values 0..16, with their labels 0..9.
"""
from pathlib import Path

import numpy as np

DATA_FILE = Path(__file__).with_name("digits.npz")


def load_digits(test_fraction=0.2, seed=0):
    """The digits, split once and for all into train and held-out test sets.

    Returns
    -------
    x_train : ndarray, shape (N_train, 1, 8, 8), float64, scaled to [0, 1]
    y_train : ndarray, shape (N_train,), int64
    x_test : ndarray, shape (N_test, 1, 8, 8)
    y_test : ndarray, shape (N_test,)
    """
    with np.load(DATA_FILE) as data:
        images = data["images"].astype(np.float64) / 16.0
        labels = data["labels"].astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(labels))
    n_test = int(round(test_fraction * len(labels)))
    test, train = order[:n_test], order[n_test:]
    images = images[:, None]
    return images[train], labels[train], images[test], labels[test]
