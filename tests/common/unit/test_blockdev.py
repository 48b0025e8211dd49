"""zvm_sim.core.blockdev: loop devices over LUN backing files, held per tree.

Runs as root, as CI and the development machines do (the data-path tests
need the same).
"""

import os
import stat

import fixtures
import testtools

from zvm_sim.core import blockdev

MiB = 1 << 20


class LoopDevicesTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.loops = blockdev.LoopDevices()
        self.addCleanup(self.loops.close)
        self.assertTrue(self.loops.usable(), 'needs root and /dev/loop-control')

    def backing(self, name, size=4 * MiB):
        path = os.path.join(self.tmp, name)
        with open(path, 'wb') as f:
            f.truncate(size)
        return path

    @staticmethod
    def attached(device):
        """The file behind a loop device, None when it is detached."""
        try:
            with open('/sys/block/%s/loop/backing_file'
                      % os.path.basename(device)) as f:
                return f.read().strip()
        except OSError:
            return None

    def test_one_device_per_backing_file_until_nobody_shows_it(self):
        a, b = self.backing('a.img'), self.backing('b.img')
        dev_a = self.loops.device(a, 'cinder1')
        self.assertTrue(stat.S_ISBLK(os.stat(dev_a).st_mode))
        self.assertEqual(a, self.attached(dev_a))
        self.assertEqual(dev_a, self.loops.device(a, 'cinder2'))
        dev_b = self.loops.device(b, 'cinder1')
        self.assertNotEqual(dev_a, dev_b)
        self.loops.hold('cinder1', [])          # cinder2 still shows a
        self.assertEqual(a, self.attached(dev_a))
        self.assertNotEqual(b, self.attached(dev_b))   # detached (or reused)
        self.loops.hold('cinder2', [])
        self.assertNotEqual(a, self.attached(dev_a))

    def test_size_is_fixed(self):
        path = self.backing('c.img', 2 * MiB)
        dev = self.loops.device(path, 'cinder1')
        with open(dev, 'wb') as f:        # O_TRUNC does not shrink it
            f.write(b'x' * 512)
        self.assertEqual(2 * MiB, os.path.getsize(path))
        with open(dev, 'r+b', buffering=0) as f:
            f.seek(2 * MiB)
            self.assertRaises(OSError, f.write, b'y' * 512)
        self.assertEqual(2 * MiB, os.path.getsize(path))
