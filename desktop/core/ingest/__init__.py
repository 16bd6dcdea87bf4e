"""Screenshots and screen recordings brought in from files: checks, claims, keyframes."""
