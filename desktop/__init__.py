"""Evidence Recorder: names and version."""

__version__ = "0.1.0"
APP_ID = "evidence-recorder"
APP_NAME = "Evidence Recorder"
APP_NAME_ZH = "证据记录器"
