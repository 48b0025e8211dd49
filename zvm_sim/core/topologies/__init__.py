"""Topology files shipped with the simulator; DEFAULT is the one used unless told."""

import os

DEFAULT = os.path.join(os.path.dirname(__file__), 'default.yaml')
