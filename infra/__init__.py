"""What stands the mesh up besides the template: local runtime, demo, benchmarks, deploy helpers."""
