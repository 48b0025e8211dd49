"""The Cloud Connector's image repository: records plus the image files.

feilong keeps image records in its sqlite image table (zvmsdk/database.py
ImageDbOperator: imagename, imageosdistro, md5sum, disk_size_units,
image_size_in_bytes, type, comments) and the files under its image
repository.  Here both live below ``<state_dir>/cloudconnector/``.
"""

import hashlib
import json
import os
import threading


class ImageRepository:
    def __init__(self, state_dir):
        self.root = os.path.join(state_dir, 'cloudconnector')
        self.files = os.path.join(self.root, 'images')
        self.index = os.path.join(self.root, 'images.json')
        self.lock = threading.Lock()
        os.makedirs(self.files, exist_ok=True)

    def _read(self):
        if not os.path.exists(self.index):
            return {}
        with open(self.index, encoding='utf-8') as f:
            return json.load(f)

    def _write(self, records):
        with open(self.index + '.tmp', 'w', encoding='utf-8') as f:
            json.dump(records, f, sort_keys=True)
        os.replace(self.index + '.tmp', self.index)

    def get(self, name):
        with self.lock:
            return self._read().get(name)

    def all(self):
        with self.lock:
            return sorted(self._read().values(), key=lambda r: r['imagename'])

    def add(self, name, data, os_version, disk_size_units, comments=''):
        """Store the image's bytes and record it; False if the name exists."""
        with self.lock:
            records = self._read()
            if name in records:
                return False
            with open(self.path(name), 'wb') as f:
                f.write(data)
            md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
            records[name] = {'imagename': name, 'imageosdistro': os_version,
                             'md5sum': md5, 'disk_size_units': disk_size_units,
                             'image_size_in_bytes': str(len(data)),
                             'type': 'rootonly', 'comments': comments or None}
            self._write(records)
            return True

    def path(self, name):
        return os.path.join(self.files, name)

    def delete(self, name):
        with self.lock:
            records = self._read()
            records.pop(name, None)
            self._write(records)
            try:
                os.remove(self.path(name))
            except FileNotFoundError:
                pass
