"""``python -m bench cinder [--quick]``: the cinder driver's figures.

The work is in bench/cinder_driver.py; this module only registers the name.
"""

DESCRIPTION = ('cinder driver: xCAT calls per operation, CPU per create at '
               '1k/10k/100k LUNs, 100 concurrent creates at 200 ms latency, '
               'over one and two cinder-volume services on etcd')


def main(argv):
    from bench import cinder_driver
    return cinder_driver.run(argv)
