# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.
"""image -> volume -> image through cinder's image utilities.

Needs qemu-img (Debian: qemu-utils); skipped with that reason without it.
"""

import io
import os
import shutil
import subprocess
import uuid

import fixtures

from cinder import exception
from cinder import privsep
from cinder.tests.unit import fake_volume
from cinder.tests.unit.image import fake as fake_image

from tests.cinder.functional import datapath_base as dpb


class StoringImageService(fake_image._FakeImageService):
    """cinder's fake image service, but update() keeps the uploaded bytes."""

    def __init__(self):
        super().__init__()
        # cinder's image cache of temporary downloads: none here.
        self.temp_images = None

    def update(self, context, image_id, metadata, data=None,
               purge_props=False, store_id=None, base_image_ref=None):
        result = super().update(context, image_id, metadata, data=None,
                                purge_props=purge_props)
        if data is not None:
            self._imagedata[image_id] = data.read()
        return result

    def download(self, context, image_id, data):
        self.show(context, image_id)
        data.write(self._imagedata[image_id])


class ImageRoundTripTest(dpb.DataPathTestCase):

    def setUp(self):
        super().setUp()
        # A failure, not a skip: the data path needs qemu-img on a real
        # Cinder node too, and no data-path test may go unrun
        # (tools/run-tests.sh installs it).
        if not shutil.which('qemu-img'):
            self.fail('qemu-img is not installed (apt-get install '
                      'qemu-utils): cinder converts images with it')
        # cinder runs qemu-img's format check through privsep; here it
        # runs in this process (the tests run as the user they need).
        privsep.sys_admin_pctxt.set_client_mode(False)
        self.addCleanup(privsep.sys_admin_pctxt.set_client_mode, True)
        self.images = StoringImageService()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.raw = os.urandom(3 * dpb.MiB) + b'\0' * dpb.MiB + b'end'
        self.raw += b'\0' * (-len(self.raw) % 512)

    def add_image(self, data, disk_format):
        image_id = str(uuid.uuid4())
        self.images.create(self.ctxt, {
            'id': image_id, 'name': 'img', 'status': 'active',
            'disk_format': disk_format, 'container_format': 'bare',
            'size': len(data)}, data=io.BytesIO(data))
        return image_id

    def qcow2_of(self, raw):
        src = os.path.join(self.tmp, 'src.raw')
        dst = os.path.join(self.tmp, 'src.qcow2')
        with open(src, 'wb') as f:
            f.write(raw)
        subprocess.check_call(['qemu-img', 'convert', '-f', 'raw', '-O',
                               'qcow2', src, dst])
        with open(dst, 'rb') as f:
            return f.read()

    def raw_of(self, qcow2):
        src = os.path.join(self.tmp, 'up.qcow2')
        dst = os.path.join(self.tmp, 'up.raw')
        with open(src, 'wb') as f:
            f.write(qcow2)
        subprocess.check_call(['qemu-img', 'convert', '-f', 'qcow2', '-O',
                               'raw', src, dst])
        with open(dst, 'rb') as f:
            return f.read()

    def upload(self, vol, disk_format):
        image_id = self.add_image(b'', disk_format)
        meta = self.images.show(self.ctxt, image_id)
        vol.volume_type = fake_volume.fake_volume_type_obj(self.ctxt)
        vol.glance_metadata = {}
        self.data.copy_volume_to_image(self.ctxt, vol, self.images, meta)
        return self.images._imagedata[image_id]

    def assertImageContent(self, expected, got):
        """The volume's bytes: the image, then the LUN's zeros."""
        self.assertEqual(expected, got[:len(expected)])
        self.assertEqual(b'', got[len(expected):].strip(b'\0'))

    def test_raw_round_trip(self):
        vol = self.volume(dpb.SMALL_LUNS[0])
        self.data.copy_image_to_volume(self.ctxt, vol, self.images,
                                       self.add_image(self.raw, 'raw'))
        self.assertImageContent(self.raw, self.read_lun(vol))
        self.assertNodeClean()
        self.assertImageContent(self.raw, self.upload(vol, 'raw'))
        self.assertNodeClean()

    def test_image_copy_keeps_the_lun_size(self):
        vol = self.volume(dpb.SMALL_LUNS[3])
        self.data.copy_image_to_volume(self.ctxt, vol, self.images,
                                       self.add_image(self.raw, 'raw'))
        self.assertLunSize(vol, 32 * dpb.MiB)

    def test_qcow2_round_trip(self):
        vol = self.volume(dpb.SMALL_LUNS[1])
        self.data.copy_image_to_volume(
            self.ctxt, vol, self.images,
            self.add_image(self.qcow2_of(self.raw), 'qcow2'))
        self.assertImageContent(self.raw, self.read_lun(vol))
        uploaded = self.upload(vol, 'qcow2')
        self.assertEqual(b'QFI\xfb', uploaded[:4])
        self.assertImageContent(self.raw, self.raw_of(uploaded))
        self.assertNodeClean()

    def test_failed_fetch_detaches(self):
        vol = self.volume(dpb.SMALL_LUNS[2])
        image_id = self.add_image(b'not a qcow2 at all' * 100, 'qcow2')
        self.assertRaises(exception.ImageUnacceptable,
                          self.data.copy_image_to_volume,
                          self.ctxt, vol, self.images, image_id)
        self.assertNodeClean()
