"""The Qt-free core: case folder, event log, imports, verification."""
