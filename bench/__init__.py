"""convkit's benchmarks (``make bench``): measured side by side in one run, never asserted in tests."""
