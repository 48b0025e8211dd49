"""The storage area network between the z/VM systems' FCP devices and the storage.

What decides whether a guest's FCP device reaches a LUN, as on a real SAN:

- **Fabrics and zoning.** Each fabric has target ports (storage WWPNs cabled
  to it) and a zone of initiator WWPNs. An FCP device logs in with its NPIV
  WWPN, or with its CHPID's physical WWPN when NPIV is off (then every
  device on that CHPID is the same initiator). Its port scan finds the target
  ports of every fabric whose zone holds that WWPN, and nothing else.
- **LUN masking.** The storage maps LUNs to host groups of initiator
  WWPNs (by LUN, by pool of the topology, or every LUN behind some target
  ports, which also covers LUNs added later); it answers a SCSI scan from
  any other initiator as if the LUN did not exist (INQUIRY: peripheral
  qualifier 3, "LU not supported").

The topology's ``san`` section (doc/source/contributor/internals.rst) is
optional: without it the SAN is one flat fabric where every FCP device sees
every target port and every LUN, which is what the simulator did before
fabrics existed.  Without ``masking`` every LUN is visible to every
initiator that reaches its port.  Pure: no I/O.
"""


class San:
    """Zoning and masking queries over a normalised ``san`` spec."""

    def __init__(self, spec, luns):
        self.spec = spec            # None: one flat, unmasked fabric
        self.luns = luns            # storage.LunStore

    @property
    def flat(self):
        return self.spec is None

    def fabrics_of(self, initiator):
        """Names of the fabrics whose zone holds the initiator WWPN."""
        if self.flat:
            return ['flat']
        return [f['name'] for f in self.spec['fabrics'] if initiator in f['zone']]

    def remote_ports(self, initiator):
        """Target ports a port scan from ``initiator`` finds (GPN_FT answer)."""
        if self.flat:
            return self.luns.target_ports()
        found = []
        for fabric in self.spec['fabrics']:
            if initiator in fabric['zone']:
                found.extend(w for w in fabric['target_ports'] if w not in found)
        return found

    def masked_to(self, initiator, target, lun):
        """Whether the storage presents LUN ``lun`` behind ``target`` to ``initiator``."""
        entry = self.luns.find(target, lun)
        if entry is None:
            return False
        if self.flat or self.spec.get('masking') is None:
            return True
        keys = {(w, entry['lun']) for w in entry['wwpns']}
        for group in self.spec['masking']:
            if initiator not in group['initiators']:
                continue
            if group['luns'] == 'all' or entry['lun'] in group['lun_numbers']:
                return True
            if keys & group['luns'] or group['targets'] & set(entry['wwpns']):
                return True
        return False

    def lun_reachable(self, initiator, target, lun):
        """A SCSI scan of (target, lun) from ``initiator`` finds a disk."""
        if target not in self.remote_ports(initiator):
            return False
        return self.masked_to(initiator, target, lun)
