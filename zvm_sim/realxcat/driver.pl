#!/usr/bin/perl
# Runs requests through xCAT's REAL plugins, read from $REALXCAT_XCAT_CORE and never copied
# here: zvm.pm (with zvmUtils.pm, zvmCPUtils.pm, MsgUtils.pm) and, for xdsh, xdsh.pm (with
# DSHCLI.pm, DSHCore.pm, SSH.pm). Prints every callback response after the XML round trip
# of xcatd and zvmxcatws.cgi (real XML::Simple).
#
# Framework stand-ins only: xCAT::Table & co. come from $REALXCAT_STUBS (../shared/realxcat/stubs),
# xdsh's context, xCAT::Zone, xCAT::NodeRange and xCAT::DSHRemoteShell from ./stubs; the shims
# of this folder are first on PATH (ssh to the zHCP, smcli, ping, rpower), `/opt/xcat/bin/<cmd>`
# in backticks runs this folder's shims/<cmd> (the MN's client commands), and xdsh's remote
# shell is shims/dsh/ssh (the command runs in the simulator's guest model).
#
# Server mode (persistent, the modules are compiled once): one JSON request per stdin line,
#   {"command":["chhypervisor"],"node":["zvm1"],"arg":[...]}
# each run in a forked child; output "RSP <json>" lines then "END" once the child is gone.
use strict;
use warnings;
use FindBin;
BEGIN {
    for my $v (qw(REALXCAT_XCAT_CORE REALXCAT_STUBS REALXCAT_SANDBOX)) {
        die "$v not set\n" unless $ENV{$v};
    }
    $ENV{PATH} = "$FindBin::Bin/shims:$ENV{PATH}";
    # xCAT runs its own client commands by absolute path (zvm.pm: `/opt/xcat/bin/rpower $node stat`).
    # The management node's scp (zvmUtils.pm sendFile) copies into the sandbox's zHCP
    # (shims/scp); --aemod's temporary folders go to the sandbox, not /tmp.
    *CORE::GLOBAL::readpipe = sub {
        my $cmd = shift;
        $cmd =~ s{/opt/xcat/bin/}{$FindBin::Bin/shims/}g;
        $cmd =~ s{^/usr/bin/scp }{$FindBin::Bin/shims/scp };
        $cmd =~ s{^/bin/mktemp -d /tmp/}{/bin/mktemp -d $ENV{REALXCAT_SANDBOX}/tmp/};
        return CORE::readpipe($cmd);
    };
}
use lib "$ENV{REALXCAT_XCAT_CORE}/perl-xCAT", "$ENV{REALXCAT_STUBS}", "$FindBin::Bin/stubs";
use JSON::PP;
use XML::Simple ();

my $json = JSON::PP->new->canonical;

# xcatd send_response: XMLout(RootName=>'xcatresponse', NoAttr=>1), tr/\011-\177/?/c;
# zvmxcatws.cgi: s/\e/xxxxESCxxxx/g, XMLin(SuppressEmpty=>undef, ForceArray=>1), ESC back.
sub wire {
    my ($rsp) = @_;
    my $xml = XML::Simple::XMLout($rsp, RootName => 'xcatresponse', NoAttr => 1);
    $xml =~ tr/\011-\177/?/c;
    $xml =~ s/\e/xxxxESCxxxx/g;
    my $back = XML::Simple::XMLin($xml, SuppressEmpty => undef, ForceArray => 1);
    foreach my $key (keys %$back) {
        next unless ref($back->{$key}) eq 'ARRAY';
        foreach my $text (@{ $back->{$key} }) { $text =~ s/xxxxESCxxxx/\e/g if defined $text; }
    }
    return $back;
}

my $callback = sub {
    my $w = wire(shift);
    return unless %$w;
    print STDOUT "RSP " . $json->encode($w) . "\n";
};

# zvm.pm, unmodified but for one path: the worker scripts of --aemod (setupDisk) are
# read from /opt/xcat/share/xcat/scripts on a management node, from the xcat-core
# checkout here (zvm.pm 3285, 3288).
{
    my $file = "$ENV{REALXCAT_XCAT_CORE}/xCAT-server/lib/xcat/plugins/zvm.pm";
    open(my $fh, '<', $file) or die "$file: $!";
    my $src = do { local $/; <$fh> };
    close($fh);
    $src =~ s{/opt/xcat/share/xcat/scripts/}{$ENV{REALXCAT_XCAT_CORE}/xCAT-server/share/xcat/scripts/}g;
    $src = "#line 1 \"$file\"\n" . $src;
    unshift @INC, sub {
        return unless $_[1] eq 'realxcat/zvm.pm';
        open(my $mem, '<', \$src) or die;
        return $mem;
    };
    require 'realxcat/zvm.pm';
}
my $xdsh_loaded;
sub load_xdsh {
    return if $xdsh_loaded++;
    require "$ENV{REALXCAT_XCAT_CORE}/xCAT-server/lib/xcat/plugins/xdsh.pm";
    # DSHCLI.pm reads its contexts from /opt/xcat/xdsh/Context/ (set when it loads): ours.
    { no warnings 'once'; $::CONTEXT_DIR = "$FindBin::Bin/stubs/Context/"; }
    # Loaded by DSHCLI per target; once here (it runs `ssh -V` when it loads).
    require xCAT::SSH;
}

sub run_one {
    my ($line) = @_;
    my $req = $json->decode($line);
    chdir $ENV{REALXCAT_SANDBOX};
    # xcatd's dispatch (handled_commands): xdsh.pm for xdsh, zvm.pm for the rest.
    # xfork (stub) returns 0: process_request's child branch runs here and exits.
    if ($req->{command}->[0] eq 'xdsh') {
        load_xdsh();
        xCAT_plugin::xdsh::process_request($req, $callback);
    } else {
        xCAT_plugin::zvm::process_request($req, $callback);
    }
    exit 0;
}

$| = 1;
if (@ARGV) { run_one($ARGV[0]); }
# Server mode: compile xdsh.pm and DSHCLI.pm once too (one-shot requests load what they need).
load_xdsh();
while (my $line = <STDIN>) {
    chomp $line;
    next unless $line;
    my $pid = fork();
    die "fork: $!" unless defined $pid;
    if ($pid == 0) {
        # xCAT's shell commands must not read the request pipe (a command split by an
        # unquoted ';' leaves a bare grep reading stdin).
        open(STDIN, '<', '/dev/null');
        $| = 1;
        run_one($line);
    }
    waitpid($pid, 0);
    print STDOUT "END\n";
}
