"""The simulated z/VM systems: directory, FCP devices, zHCP pool files, guests."""
