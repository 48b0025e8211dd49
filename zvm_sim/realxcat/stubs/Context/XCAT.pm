# STAND-IN (ours, not xcat-core) for xCAT's xdsh context /opt/xcat/xdsh/Context/XCAT.pm, which
# DSHCLI.pm loads from $::CONTEXT_DIR (driver.pl points it here). xCAT's context names
# /usr/bin/ssh as the remote shell of every node; this one names the stand-in ssh of
# ../shims/dsh, which runs the command in the simulator's guest model. Everything else
# (command building, pipes, output buffering, DSH_TARGET_RC, replies) stays DSHCLI's and
# DSHCore's own code.
package XCAT;
use strict;
use warnings;
use FindBin;

our $XCAT_RSH_CMD = "$FindBin::Bin/shims/dsh/ssh";
our $XCAT_RCP_CMD = "$FindBin::Bin/shims/dsh/scp";

sub valid_context { return 1; }

sub context_defaults { return { NodeRemoteShell => $XCAT_RSH_CMD }; }

sub context_properties {
    return { RemoteShell => $XCAT_RSH_CMD, RemoteCopyCmd => $XCAT_RCP_CMD };
}

sub resolve_node {
    my ($class, $target_properties) = @_;
    $$target_properties{'remote-shell'} = $XCAT_RSH_CMD;
    $$target_properties{'remote-copy'}  = $XCAT_RCP_CMD;
    return 1;
}

1;
