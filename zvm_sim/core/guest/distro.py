"""What differs between the modelled distros: release files and tools.

Facts used: RHEL ships zfcpconf.sh and reads /etc/zfcp.conf; SLES ships
zfcp_host_configure / zfcp_disk_configure; chzdev (s390-tools zdev, 2016)
is in RHEL 8+, SLES 12 SP2+ and every supported Ubuntu. xCAT's
getOsVersion reads ``/etc/*-release /etc/issue /etc/debian_version``.
"""

from zvm_sim.core.guest import formats

_NAMES = {
    'rhel': ('Red Hat Enterprise Linux', 'rhel', 'fedora'),
    'sles': ('SLES', 'sles', 'suse'),
    'ubuntu': ('Ubuntu', 'ubuntu', 'debian'),
}


def check(distro, version):
    if distro not in formats.DISTROS:
        raise ValueError('unknown distro %r (expected one of %s)'
                         % (distro, ', '.join(formats.DISTROS)))
    if not str(version) or not str(version)[0].isdigit():
        raise ValueError('bad distro version %r' % (version,))


def major(version):
    return int(str(version).split('.')[0])


def minor(version):
    parts = str(version).split('.')
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def has_chzdev(distro, version):
    if distro == 'rhel':
        return major(version) >= 8
    if distro == 'sles':
        return (major(version), minor(version)) >= (12, 2)
    return True


def has_sles_scripts(distro, version):
    return distro == 'sles'


def base_files(distro, version):
    """The files a fresh guest of that distro has, path -> content.

    Release files (xCAT's getOsVersion reads them) and, on RHEL, the empty
    /etc/zfcp.conf that s390utils-base installs.
    """
    name, ident, like = _NAMES[distro]
    version = str(version)
    pretty = '%s %s' % (name, version)
    os_release = ('NAME="%s"\nVERSION="%s"\nID="%s"\nID_LIKE="%s"\nVERSION_ID="%s"\n'
                  'PRETTY_NAME="%s"\n' % (name, version, ident, like, version, pretty))
    files = {'/etc/os-release': os_release, '/etc/issue': '%s \\n \\l\n\n' % pretty}
    if distro == 'rhel':
        files['/etc/zfcp.conf'] = ''
        files['/etc/redhat-release'] = 'Red Hat Enterprise Linux release %s\n' % version
    elif distro == 'ubuntu':
        files['/etc/lsb-release'] = ('DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=%s\n'
                                     'DISTRIB_DESCRIPTION="Ubuntu %s"\n' % (version, version))
        files['/etc/debian_version'] = 'bookworm/sid\n'
    elif distro == 'sles' and major(version) < 15:
        files['/etc/SuSE-release'] = ('SUSE Linux Enterprise Server %d (s390x)\nVERSION = %d\n'
                                      'PATCHLEVEL = %d\n' % (major(version), major(version),
                                                             minor(version)))
    return files
