"""Pool entries for tests, built through the real xCAT pool parser."""

from zvm_xcat import parsers

W1 = '500507680b21bac6'
W2 = '500507680b22bac6'


def lun(n):
    """A distinct 16-hex FCP LUN in the usual 4001 40xx 0000 0000 form."""
    return '4001%04x00000000' % (0x4000 + n)


def row(status, n, size='10G', owner='', wwpn=W1, channel='', tag=''):
    return '%s,%s,%s,%s,1f00-1f0f,%s,%s,%s' % (status, wwpn, lun(n), size,
                                               owner, channel, tag)


def entries(*rows):
    header = ['#status,wwpn,lun,size,range,owner,channel,tag']
    return parsers.parse_pool(header + list(rows))
