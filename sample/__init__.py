"""Generated sample exports in the delivery format, for the demo, the tests and benchmarks."""
