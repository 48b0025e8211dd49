"""The Cinder-node tree: the guest's sysfs and /dev mirrored on disk.

(Work in progress: the mirror and TreeReactor follow in the next commit.)
"""


class TreeMirror:
    def __init__(self, guest, root_dir):
        raise NotImplementedError('guest tree mirroring is not implemented yet')
