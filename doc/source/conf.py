# Sphinx configuration for cinder-zvm.
project = 'cinder-zvm'
copyright = '2026, cinder-zvm developers'
# show-options: the option tables come from the options' own definitions
extensions = ['oslo_config.sphinxext']
master_doc = 'index'
exclude_patterns = []
html_theme = 'alabaster'
