"""Helpers of tools/fullstack.sh: the full-stack scenario on one machine.

Run as modules from the top of the tree (``python -m tools.fullstack.X``)
so that the tests in tests/common can import the pure parts.  Nothing here
imports cinder or nova except the two modules that run inside those
processes (fake_backend for cinder-volume, nova_compute for the nova side).
"""
