"""Measure promoted and suppressed controls: locate, measure, compare, overlay."""
