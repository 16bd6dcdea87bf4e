"""Every QWidget of the program: values in, signals out; no files, threads or store."""
