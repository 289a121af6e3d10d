"""The customers evaluation: a synthetic population (fixed seed), the calibration fit, the comparison."""
