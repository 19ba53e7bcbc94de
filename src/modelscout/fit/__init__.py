"""Will it run here? Memory per quantisation, a verdict and a speed estimate for a model on a machine."""
