// Placeholder: the benchmark harness lands here.
