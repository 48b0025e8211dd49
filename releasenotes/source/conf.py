# Release notes of cinder-zvm, built with reno (tox -e releasenotes).
extensions = ['reno.sphinxext']
project = 'cinder-zvm Release Notes'
copyright = '2026, cinder-zvm developers'
master_doc = 'index'
source_suffix = '.rst'
exclude_patterns = []
html_theme = 'alabaster'
html_static_path = []
