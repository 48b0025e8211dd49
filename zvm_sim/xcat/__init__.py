"""The xCAT REST v1 (/xcatws) front of the simulator, over zvm_sim.core."""
