# Sphinx configuration for cinder-zvm.
project = 'cinder-zvm'
copyright = '2026, cinder-zvm developers'
extensions = []
master_doc = 'index'
exclude_patterns = []
html_theme = 'alabaster'
