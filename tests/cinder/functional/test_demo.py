"""The README demo (tools/demo.py) keeps working end to end."""

import os
import subprocess
import sys

import testtools

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))


class DemoTest(testtools.TestCase):

    def test_demo_runs(self):
        proc = subprocess.run([sys.executable, os.path.join(TOP, 'tools',
                                                            'demo.py'),
                               '--cleanup'],
                              capture_output=True, text=True, timeout=600,
                              cwd=TOP)
        self.assertEqual(0, proc.returncode, proc.stderr[-3000:])
        out = proc.stdout
        self.assertIn('create_volume 3 GiB on demohost@zvm1#gold -> '
                      'available', out)
        self.assertIn('nova attach -> attached', out)
        self.assertIn('cinder initialize_connection (xCAT calls: 0)', out)
        # Delete wiped the LUN through the Cinder node: the guest's data is
        # gone, nothing stays attached there, and the LUN is free again.
        self.assertIn("the guest writes data to the LUN: b'tenant data", out)
        self.assertIn("first bytes of the LUN now: b'\\x00\\x00", out)
        self.assertIn('zfcp units left on cinder1: none', out)
        after = out[out.index('== pool state after'):]
        self.assertNotIn('wipe-', after)
        self.assertNotIn('volume-', after)
        self.assertIn('quarantined_capacity_gb 0.0', after)
        self.assertIn('demo complete', out)
