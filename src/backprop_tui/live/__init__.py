"""The bridge between a training session and a UI: configs, snapshots, trainer, backends.

No widgets here, and nothing from Textual or Rich.
"""
