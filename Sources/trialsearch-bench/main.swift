// Benchmarks: release-build measurements printed as figures (see BENCHMARKS.md).
print("trialsearch-bench: no benchmarks yet")
